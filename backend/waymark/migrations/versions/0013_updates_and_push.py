"""You Said We Did updates (with revisions and reactions) and web push subscriptions.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("said", sa.Text(), nullable=False),
        sa.Column("did", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("consultation_ids", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_council_update_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_council_update_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_update")),
    )
    with op.batch_alter_table("council_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_update_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "push_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("p256dh", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("auth", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_push_subscription_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_push_subscription_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscription")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscription_endpoint")),
    )
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_push_subscription_user_id"), ["user_id"], unique=False)

    op.create_table(
        "council_update_reaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("reaction", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["update_id"], ["council_update.id"], name=op.f("fk_council_update_reaction_update_id_council_update")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"],
            ["user_account.id"],
            name=op.f("fk_council_update_reaction_young_person_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_update_reaction")),
        sa.UniqueConstraint(
            "update_id", "young_person_id", name=op.f("uq_council_update_reaction_update_id_young_person_id")
        ),
    )
    with op.batch_alter_table("council_update_reaction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_council_update_reaction_young_person_id"), ["young_person_id"], unique=False
        )

    op.create_table(
        "council_update_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user_account.id"], name=op.f("fk_council_update_revision_changed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["update_id"], ["council_update.id"], name=op.f("fk_council_update_revision_update_id_council_update")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_update_revision")),
        sa.UniqueConstraint("update_id", "version", name=op.f("uq_council_update_revision_update_id_version")),
    )
    with op.batch_alter_table("council_update_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_update_revision_update_id"), ["update_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("council_update_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_update_revision_update_id"))

    op.drop_table("council_update_revision")
    with op.batch_alter_table("council_update_reaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_update_reaction_young_person_id"))

    op.drop_table("council_update_reaction")
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscription_user_id"))

    op.drop_table("push_subscription")
    with op.batch_alter_table("council_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_update_tenant_id"))

    op.drop_table("council_update")
