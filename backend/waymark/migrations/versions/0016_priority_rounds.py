"""Priority rounds: young people spread a few votes across themes.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "priority_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("easy_summary", sa.Text(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", waymark.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_priority_round_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_priority_round_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_round")),
    )
    with op.batch_alter_table("priority_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_round_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "priority_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=True),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("assisted_by_id", sa.Integer(), nullable=True),
        sa.Column("age_band", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("care_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("send", sa.Boolean(), nullable=True),
        sa.Column("recent_contact", sa.Boolean(), nullable=True),
        sa.Column("cast_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assisted_by_id"], ["user_account.id"], name=op.f("fk_priority_ballot_assisted_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["priority_round.id"], name=op.f("fk_priority_ballot_round_id_priority_round")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_priority_ballot_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_priority_ballot_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_ballot")),
    )
    with op.batch_alter_table("priority_ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_ballot_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_priority_ballot_young_person_id"), ["young_person_id"], unique=False)

    op.create_table(
        "priority_voter",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["priority_round.id"], name=op.f("fk_priority_voter_round_id_priority_round")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_priority_voter_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("round_id", "young_person_id", name=op.f("pk_priority_voter")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "priority_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ballot_id"], ["priority_ballot.id"], name=op.f("fk_priority_vote_ballot_id_priority_ballot")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["priority_round.id"], name=op.f("fk_priority_vote_round_id_priority_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_vote")),
        sa.UniqueConstraint("ballot_id", "theme", name=op.f("uq_priority_vote_ballot_id_theme")),
    )
    with op.batch_alter_table("priority_vote", schema=None) as batch_op:
        batch_op.create_index("ix_priority_vote_round_theme", ["round_id", "theme"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("priority_vote", schema=None) as batch_op:
        batch_op.drop_index("ix_priority_vote_round_theme")

    op.drop_table("priority_vote")
    op.drop_table("priority_voter")
    with op.batch_alter_table("priority_ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priority_ballot_young_person_id"))
        batch_op.drop_index(batch_op.f("ix_priority_ballot_round_id"))

    op.drop_table("priority_ballot")
    with op.batch_alter_table("priority_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priority_round_tenant_id"))

    op.drop_table("priority_round")
