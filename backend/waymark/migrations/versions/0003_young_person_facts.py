"""The facts about a young person that entitlement rules use (and nothing more).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 08:10:14.627145
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "young_person_facts",
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("in_education_or_training", sa.Boolean(), nullable=True),
        sa.Column("in_higher_education", sa.Boolean(), nullable=True),
        sa.Column("in_apprenticeship", sa.Boolean(), nullable=True),
        sa.Column("parent", sa.Boolean(), nullable=True),
        sa.Column("send", sa.Boolean(), nullable=True),
        sa.Column("staying_put", sa.Boolean(), nullable=True),
        sa.Column("own_tenancy", sa.Boolean(), nullable=True),
        sa.Column("updated_at", waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_young_person_facts_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"], name=op.f("fk_young_person_facts_updated_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_young_person_facts_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("young_person_id", name=op.f("pk_young_person_facts")),
    )
    with op.batch_alter_table("young_person_facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_young_person_facts_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("young_person_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_young_person_facts_tenant_id"))

    op.drop_table("young_person_facts")
