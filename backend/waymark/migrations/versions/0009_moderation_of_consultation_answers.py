"""Moderation of free-text consultation answers: state, published (redacted) text,
themes suggested and confirmed, reason, who and when.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 10:34:58.028956
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consultation_answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))
        batch_op.add_column(sa.Column("published_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("themes", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("suggested_themes", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("moderation_reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column("moderated_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("moderated_at", waymark.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_consultation_answer_moderation", ["moderation"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_consultation_answer_moderated_by_id_user_account"),
            "user_account",
            ["moderated_by_id"],
            ["id"],
        )

    op.execute("UPDATE consultation_answer SET moderation = 'pending' WHERE text IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("consultation_answer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_consultation_answer_moderated_by_id_user_account"), type_="foreignkey")
        batch_op.drop_index("ix_consultation_answer_moderation")
        batch_op.drop_column("moderated_at")
        batch_op.drop_column("moderated_by_id")
        batch_op.drop_column("moderation_reason")
        batch_op.drop_column("suggested_themes")
        batch_op.drop_column("themes")
        batch_op.drop_column("published_text")
        batch_op.drop_column("moderation")
