"""Consultations (questions, responses, answers) and receipts for submissions that may
arrive twice (the offline outbox).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:12:31.877393
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "submission_receipt",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("payload_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("result_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_submission_receipt")),
    )
    op.create_table(
        "consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("easy_summary", sa.Text(), nullable=False),
        sa.Column("age_bands", sa.JSON(), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_consultation_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_consultation_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
    )
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "consultation_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("easy_text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultation.id"], name=op.f("fk_consultation_question_consultation_id_consultation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_question")),
    )
    with op.batch_alter_table("consultation_question", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consultation_question_consultation_position", ["consultation_id", "position"], unique=False
        )

    op.create_table(
        "consultation_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=True),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("assisted_by_id", sa.Integer(), nullable=True),
        sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("care_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("send", sa.Boolean(), nullable=True),
        sa.Column("quotes_allowed", sa.Boolean(), nullable=False),
        sa.Column("resume_token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assisted_by_id"], ["user_account.id"], name=op.f("fk_consultation_response_assisted_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultation.id"], name=op.f("fk_consultation_response_consultation_id_consultation")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_consultation_response_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_consultation_response_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_response")),
        sa.UniqueConstraint("resume_token_hash", name=op.f("uq_consultation_response_resume_token_hash")),
    )
    with op.batch_alter_table("consultation_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_response_consultation_id"), ["consultation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_response_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_response_young_person_id"), ["young_person_id"], unique=False)

    op.create_table(
        "consultation_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("feeling", sa.Integer(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["consultation_question.id"],
            name=op.f("fk_consultation_answer_question_id_consultation_question"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["consultation_response.id"],
            name=op.f("fk_consultation_answer_response_id_consultation_response"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_answer")),
    )
    with op.batch_alter_table("consultation_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_answer_question_id"), ["question_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consultation_answer_response_id"), ["response_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("consultation_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_answer_response_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_answer_question_id"))

    op.drop_table("consultation_answer")
    with op.batch_alter_table("consultation_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_response_young_person_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_response_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_response_consultation_id"))

    op.drop_table("consultation_response")
    with op.batch_alter_table("consultation_question", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_question_consultation_position")

    op.drop_table("consultation_question")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_tenant_id"))

    op.drop_table("consultation")
    op.drop_table("submission_receipt")
