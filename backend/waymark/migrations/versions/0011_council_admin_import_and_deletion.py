"""Council settings (thresholds, brand colour, contact details, MFA), caseload imports,
invite cancelling and account deletion.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("finished_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_import_run_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_import_run_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_run_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", waymark.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disclosure_threshold", sa.Integer(), nullable=False, server_default="5"))
        batch_op.add_column(sa.Column("export_threshold", sa.Integer(), nullable=False, server_default="10"))
        batch_op.add_column(
            sa.Column(
                "brand_colour", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False, server_default="#0b3d5c"
            )
        )
        batch_op.add_column(sa.Column("contact_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True))
        batch_op.add_column(sa.Column("website", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column("require_mfa", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", waymark.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_user_account_tenant_id_external_id"), ["tenant_id", "external_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_account_tenant_id_external_id"), type_="unique")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("external_id")

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.drop_column("require_mfa")
        batch_op.drop_column("address")
        batch_op.drop_column("website")
        batch_op.drop_column("contact_email")
        batch_op.drop_column("brand_colour")
        batch_op.drop_column("export_threshold")
        batch_op.drop_column("disclosure_threshold")

    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")

    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_run_tenant_id"))

    op.drop_table("import_run")
