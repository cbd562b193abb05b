"""A young person's notes on entitlements, and their requests that their adviser helps.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 08:31:18.036101
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entitlement_mark",
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("adviser_asked_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("adviser_done_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_entitlement_mark_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_entitlement_mark_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("young_person_id", "slug", name=op.f("pk_entitlement_mark")),
    )
    with op.batch_alter_table("entitlement_mark", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entitlement_mark_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entitlement_mark", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entitlement_mark_tenant_id"))

    op.drop_table("entitlement_mark")
