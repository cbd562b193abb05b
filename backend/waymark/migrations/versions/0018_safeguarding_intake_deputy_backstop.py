"""Safeguarding: one intake (where an alert came from, its level, grouping a flood into
one alert), a deputy lead, and the moderation queue's unread-hours backstop.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('context', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='urgent'))
        batch_op.add_column(sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('grouped_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('repeats', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('raised_by_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_safeguarding_alert_group', ['tenant_id', 'group_key', 'created_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_alert_grouped_into_id_safeguarding_alert'), 'safeguarding_alert', ['grouped_into_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_alert_raised_by_id_user_account'), 'user_account', ['raised_by_id'], ['id'])

    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safeguarding_deputy_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('moderation_unread_hours', sa.Integer(), nullable=False, server_default='24'))
        batch_op.add_column(sa.Column('moderation_working_hours_only', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_column('moderation_working_hours_only')
        batch_op.drop_column('moderation_unread_hours')
        batch_op.drop_column('safeguarding_deputy_id')

    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_alert_raised_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_alert_grouped_into_id_safeguarding_alert'), type_='foreignkey')
        batch_op.drop_index('ix_safeguarding_alert_group')
        batch_op.drop_column('raised_by_id')
        batch_op.drop_column('repeats')
        batch_op.drop_column('grouped_into_id')
        batch_op.drop_column('group_key')
        batch_op.drop_column('level')
        batch_op.drop_column('context')
        batch_op.drop_column('link')
        batch_op.drop_column('field')

