"""A contact point remembers the language of the page it was added on, so its codes
and "something new" messages come in that language (English or Welsh).

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False, server_default='en')
        )


def downgrade() -> None:
    with op.batch_alter_table('contact_point', schema=None) as batch_op:
        batch_op.drop_column('lang')
