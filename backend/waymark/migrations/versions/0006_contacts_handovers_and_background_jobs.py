"""Contacts, "couldn't reach" requests, "about me", handovers, background jobs; contact
settings on councils, teams and contact details on staff.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:32:19.723363
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("run_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("done_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failed_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
        sa.UniqueConstraint("key", name=op.f("uq_job_key")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_due", ["done_at", "failed_at", "run_at"], unique=False)

    op.create_table(
        "about_me",
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("matters", sa.Text(), nullable=False),
        sa.Column("helps", sa.Text(), nullable=False),
        sa.Column("does_not_help", sa.Text(), nullable=False),
        sa.Column("agreed_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_about_me_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_about_me_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("young_person_id", name=op.f("pk_about_me")),
    )
    with op.batch_alter_table("about_me", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_about_me_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("happened_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("logged_by", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("answer_note", sa.Text(), nullable=False),
        sa.Column("answered_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_contact_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["worker_id"], ["user_account.id"], name=op.f("fk_contact_worker_id_user_account")),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_contact_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_tenant_happened", ["tenant_id", "happened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_worker_id"), ["worker_id"], unique=False)
        batch_op.create_index("ix_contact_young_person_happened", ["young_person_id", "happened_at"], unique=False)

    op.create_table(
        "handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("from_worker_id", sa.Integer(), nullable=True),
        sa.Column("to_worker_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("acknowledged_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_contact_due_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_contact_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_handover_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["from_worker_id"], ["user_account.id"], name=op.f("fk_handover_from_worker_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_handover_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["to_worker_id"], ["user_account.id"], name=op.f("fk_handover_to_worker_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_handover_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover")),
    )
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handover_to_worker_id"), ["to_worker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handover_young_person_id"), ["young_person_id"], unique=False)

    op.create_table(
        "reach_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("tried_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("escalated_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["user_account.id"], name=op.f("fk_reach_request_answered_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_reach_request_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["user_account.id"], name=op.f("fk_reach_request_worker_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_reach_request_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reach_request")),
    )
    with op.batch_alter_table("reach_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reach_request_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reach_request_worker_id"), ["worker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reach_request_young_person_id"), ["young_person_id"], unique=False)

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_interval_weeks", sa.Integer(), nullable=False, server_default="8"))
        batch_op.add_column(
            sa.Column("accommodated_contact_interval_months", sa.Integer(), nullable=False, server_default="2")
        )
        batch_op.add_column(sa.Column("reach_answer_working_days", sa.Integer(), nullable=False, server_default="2"))
        batch_op.add_column(sa.Column("first_contact_working_days", sa.Integer(), nullable=False, server_default="10"))
        batch_op.add_column(sa.Column("duty_phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("council_accommodation", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("team", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("availability", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("availability")
        batch_op.drop_column("phone")
        batch_op.drop_column("team")
        batch_op.drop_column("council_accommodation")

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.drop_column("duty_phone")
        batch_op.drop_column("first_contact_working_days")
        batch_op.drop_column("reach_answer_working_days")
        batch_op.drop_column("accommodated_contact_interval_months")
        batch_op.drop_column("contact_interval_weeks")

    with op.batch_alter_table("reach_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reach_request_young_person_id"))
        batch_op.drop_index(batch_op.f("ix_reach_request_worker_id"))
        batch_op.drop_index(batch_op.f("ix_reach_request_tenant_id"))

    op.drop_table("reach_request")
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_young_person_id"))
        batch_op.drop_index(batch_op.f("ix_handover_to_worker_id"))
        batch_op.drop_index(batch_op.f("ix_handover_tenant_id"))

    op.drop_table("handover")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_young_person_happened")
        batch_op.drop_index(batch_op.f("ix_contact_worker_id"))
        batch_op.drop_index("ix_contact_tenant_happened")

    op.drop_table("contact")
    with op.batch_alter_table("about_me", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_about_me_tenant_id"))

    op.drop_table("about_me")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_due")

    op.drop_table("job")
