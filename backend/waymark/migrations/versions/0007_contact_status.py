"""Each young person's latest contact that counts, for the managers' dashboard (filled
from the contacts already held).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 09:55:13.958107
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import waymark.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_status",
        sa.Column("young_person_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("last_contact_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_contact_status_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["young_person_id"], ["user_account.id"], name=op.f("fk_contact_status_young_person_id_user_account")
        ),
        sa.PrimaryKeyConstraint("young_person_id", name=op.f("pk_contact_status")),
    )
    with op.batch_alter_table("contact_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_status_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_tenant_state_happened", ["tenant_id", "state", "happened_at"], unique=False)

    _fill_contact_status()


def _fill_contact_status() -> None:
    """One row per young person with contacts: the UK day of their latest contact that
    was not disputed (converted here, as SQLite has no time zones)."""
    from waymark.workdays import to_uk_date

    conn = op.get_bind()
    latest = sa.text(
        "SELECT young_person_id, MIN(tenant_id), MAX(happened_at) FROM contact "
        "WHERE state != 'disputed' GROUP BY young_person_id"
    ).columns(sa.column("young_person_id"), sa.column("tenant_id"), sa.column("at", waymark.db.UTCDateTime()))
    rows = [
        {"young_person_id": person, "tenant_id": tenant, "last_contact_on": to_uk_date(at)}
        for person, tenant, at in conn.execute(latest)
    ]
    if rows:
        table = sa.table(
            "contact_status", sa.column("young_person_id"), sa.column("tenant_id"), sa.column("last_contact_on")
        )
        conn.execute(sa.insert(table), rows)


def downgrade() -> None:
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_tenant_state_happened")

    with op.batch_alter_table("contact_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_status_tenant_id"))

    op.drop_table("contact_status")
