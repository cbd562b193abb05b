"""Offers (Covenant and local), councils' own amounts, and "this is wrong" reports on facts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 09:12:44.290324
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_amount",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("setting", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("amount", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("updated_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_council_amount_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"], name=op.f("fk_council_amount_updated_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "setting", name=op.f("pk_council_amount")),
    )
    op.create_table(
        "facts_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["user_account.id"], name=op.f("fk_facts_report_resolved_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_facts_report_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_facts_report_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facts_report")),
    )
    with op.batch_alter_table("facts_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facts_report_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_facts_report_young_person_id"), ["young_person_id"], unique=False)

    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("age_from", sa.Integer(), nullable=False),
        sa.Column("age_until", sa.Integer(), nullable=False),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("how_to_claim", sa.Text(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("contact_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reject_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("submitted_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user_account.id"], name=op.f("fk_offer_reviewed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_offer_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer")),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index("ix_offer_tenant_id_status", ["tenant_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_tenant_id_status")

    op.drop_table("offer")
    with op.batch_alter_table("facts_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facts_report_young_person_id"))
        batch_op.drop_index(batch_op.f("ix_facts_report_tenant_id"))

    op.drop_table("facts_report")
    op.drop_table("council_amount")
