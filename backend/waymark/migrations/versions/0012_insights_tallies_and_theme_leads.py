"""Insights tallies (responses by group, themes by quarter, feelings and choices), theme
leads, and the response columns they need.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "theme_lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_theme_lead_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_theme_lead_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_lead")),
        sa.UniqueConstraint("tenant_id", "theme", name=op.f("uq_theme_lead_tenant_id_theme")),
    )
    op.create_table(
        "insight_response_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("care_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("send", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("recent_contact", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_insight_response_tally_consultation_id_consultation"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_insight_response_tally_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_response_tally")),
        sa.UniqueConstraint(
            "consultation_id",
            "age_band",
            "care_status",
            "send",
            "recent_contact",
            name="uq_insight_response_tally_group",
        ),
    )
    with op.batch_alter_table("insight_response_tally", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insight_response_tally_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "insight_theme_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("quarter", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultation.id"], name=op.f("fk_insight_theme_tally_consultation_id_consultation")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_insight_theme_tally_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_theme_tally")),
        sa.UniqueConstraint(
            "consultation_id", "theme", "quarter", name=op.f("uq_insight_theme_tally_consultation_id_theme_quarter")
        ),
    )
    with op.batch_alter_table("insight_theme_tally", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insight_theme_tally_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "insight_answer_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultation.id"], name=op.f("fk_insight_answer_tally_consultation_id_consultation")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["consultation_question.id"],
            name=op.f("fk_insight_answer_tally_question_id_consultation_question"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_insight_answer_tally_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_answer_tally")),
        sa.UniqueConstraint("question_id", "value", name=op.f("uq_insight_answer_tally_question_id_value")),
    )
    with op.batch_alter_table("insight_answer_tally", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insight_answer_tally_consultation_id"), ["consultation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_insight_answer_tally_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("consultation_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recent_contact", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("tallied_themes", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("consultation_response", schema=None) as batch_op:
        batch_op.drop_column("tallied_themes")
        batch_op.drop_column("recent_contact")

    with op.batch_alter_table("insight_answer_tally", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insight_answer_tally_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_insight_answer_tally_consultation_id"))

    op.drop_table("insight_answer_tally")
    with op.batch_alter_table("insight_theme_tally", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insight_theme_tally_tenant_id"))

    op.drop_table("insight_theme_tally")
    with op.batch_alter_table("insight_response_tally", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_insight_response_tally_tenant_id"))

    op.drop_table("insight_response_tally")
    op.drop_table("theme_lead")
