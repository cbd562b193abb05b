"""Rate limits counted atomically (one counter row per key, replacing one row per
failed sign-in), and a coarse device name on each session for the devices page.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'rate_count',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('window_start', waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('strikes', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_count')),
    )
    op.create_index('ix_rate_count_window_start', 'rate_count', ['window_start'], unique=False)
    op.drop_index('ix_login_failure_key_at', table_name='login_failure')
    op.drop_table('login_failure')
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_column('device')
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('at', waymark.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure')),
    )
    op.create_index('ix_login_failure_key_at', 'login_failure', ['key', 'at'], unique=False)
    op.drop_index('ix_rate_count_window_start', table_name='rate_count')
    op.drop_table('rate_count')
