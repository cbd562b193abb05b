"""Pathway plans (steps, my words, feedback, review requests, reviews, history), the inbox,
and the councils' review interval and reading-age target.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 07:16:12.983698
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_notification_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_notification_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_created", ["user_id", "created_at"], unique=False)

    op.create_table(
        "pathway_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("last_reviewed_on", sa.Date(), nullable=True),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("young_person_seen_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_pathway_plan_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_pathway_plan_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_plan")),
        sa.UniqueConstraint("young_person_id", name=op.f("uq_pathway_plan_young_person_id")),
    )
    with op.batch_alter_table("pathway_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pathway_plan_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "plan_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("object_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"], name=op.f("fk_plan_change_actor_id_user_account")),
        sa.ForeignKeyConstraint(["plan_id"], ["pathway_plan.id"], name=op.f("fk_plan_change_plan_id_pathway_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_change")),
    )
    with op.batch_alter_table("plan_change", schema=None) as batch_op:
        batch_op.create_index("ix_plan_change_plan_at", ["plan_id", "at"], unique=False)

    op.create_table(
        "plan_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["pathway_plan.id"], name=op.f("fk_plan_review_plan_id_pathway_plan")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_plan_review_recorded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_review")),
    )
    with op.batch_alter_table("plan_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_review_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "plan_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("heading", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("owner_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["pathway_plan.id"], name=op.f("fk_plan_step_plan_id_pathway_plan")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"], name=op.f("fk_plan_step_updated_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_step")),
    )
    with op.batch_alter_table("plan_step", schema=None) as batch_op:
        batch_op.create_index("ix_plan_step_plan_heading_position", ["plan_id", "heading", "position"], unique=False)

    op.create_table(
        "plan_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("heading", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("updated_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["pathway_plan.id"], name=op.f("fk_plan_words_plan_id_pathway_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_words")),
        sa.UniqueConstraint("plan_id", "heading", name=op.f("uq_plan_words_plan_id_heading")),
    )
    op.create_table(
        "review_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("requested_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("response", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["pathway_plan.id"], name=op.f("fk_review_request_plan_id_pathway_plan")),
        sa.ForeignKeyConstraint(
            ["responded_by_id"], ["user_account.id"], name=op.f("fk_review_request_responded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_request")),
    )
    with op.batch_alter_table("review_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_request_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "step_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("response", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["pathway_plan.id"], name=op.f("fk_step_feedback_plan_id_pathway_plan")),
        sa.ForeignKeyConstraint(
            ["responded_by_id"], ["user_account.id"], name=op.f("fk_step_feedback_responded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["step_id"], ["plan_step.id"], name=op.f("fk_step_feedback_step_id_plan_step")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_feedback")),
    )
    with op.batch_alter_table("step_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_feedback_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_feedback_step_id"), ["step_id"], unique=False)

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_interval_months", sa.Integer(), nullable=False, server_default="6"))
        batch_op.add_column(sa.Column("reading_age_target", sa.Integer(), nullable=False, server_default="12"))


def downgrade() -> None:
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.drop_column("reading_age_target")
        batch_op.drop_column("review_interval_months")

    with op.batch_alter_table("step_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_feedback_step_id"))
        batch_op.drop_index(batch_op.f("ix_step_feedback_plan_id"))

    op.drop_table("step_feedback")
    with op.batch_alter_table("review_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_request_plan_id"))

    op.drop_table("review_request")
    op.drop_table("plan_words")
    with op.batch_alter_table("plan_step", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_step_plan_heading_position")

    op.drop_table("plan_step")
    with op.batch_alter_table("plan_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_review_plan_id"))

    op.drop_table("plan_review")
    with op.batch_alter_table("plan_change", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_change_plan_at")

    op.drop_table("plan_change")
    with op.batch_alter_table("pathway_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pathway_plan_tenant_id"))

    op.drop_table("pathway_plan")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_created")

    op.drop_table("notification")
