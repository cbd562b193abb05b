"""Young people's "say more" comments on You Said We Did updates, moderated like answers.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_update_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("reaction", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("quotes_allowed", sa.Boolean(), nullable=False),
        sa.Column("moderation", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("published_text", sa.Text(), nullable=True),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("suggested_themes", sa.JSON(), nullable=False),
        sa.Column("moderation_reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("moderated_by_id", sa.Integer(), nullable=True),
        sa.Column("moderated_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["moderated_by_id"],
            ["user_account.id"],
            name=op.f("fk_council_update_comment_moderated_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_council_update_comment_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["update_id"], ["council_update.id"], name=op.f("fk_council_update_comment_update_id_council_update")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["user_account.id"],
            name=op.f("fk_council_update_comment_young_person_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_update_comment")),
    )
    with op.batch_alter_table("council_update_comment", schema=None) as batch_op:
        batch_op.create_index("ix_council_update_comment_tenant_moderation", ["tenant_id", "moderation"], unique=False)
        batch_op.create_index(batch_op.f("ix_council_update_comment_update_id"), ["update_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_council_update_comment_young_person_id"), ["young_person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("council_update_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_update_comment_young_person_id"))
        batch_op.drop_index(batch_op.f("ix_council_update_comment_update_id"))
        batch_op.drop_index("ix_council_update_comment_tenant_moderation")

    op.drop_table("council_update_comment")
