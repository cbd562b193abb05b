"""Safeguarding alerts, and each council's designated safeguarding lead and the minutes
they have to acknowledge an alert.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 10:48:38.470486
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safeguarding_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("young_person_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("why", sa.JSON(), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("action_note", sa.Text(), nullable=False),
        sa.Column("emailed_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["user_account.id"],
            name=op.f("fk_safeguarding_alert_acknowledged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["consultation_answer.id"], name=op.f("fk_safeguarding_alert_answer_id_consultation_answer")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_safeguarding_alert_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_safeguarding_alert_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_alert")),
    )
    with op.batch_alter_table("safeguarding_alert", schema=None) as batch_op:
        batch_op.create_index("ix_safeguarding_alert_tenant_open", ["tenant_id", "acknowledged_at"], unique=False)

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("safeguarding_lead_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("safeguarding_ack_minutes", sa.Integer(), nullable=False, server_default="60"))


def downgrade() -> None:
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.drop_column("safeguarding_ack_minutes")
        batch_op.drop_column("safeguarding_lead_id")

    with op.batch_alter_table("safeguarding_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_safeguarding_alert_tenant_open")

    op.drop_table("safeguarding_alert")
