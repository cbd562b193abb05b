"""Young people's verified email addresses and mobile numbers (notifications/contact_points.py).

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'contact_point',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('wants_news', sa.Boolean(), nullable=False),
        sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('code_tries', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_contact_point_tenant_id_tenant')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_contact_point_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_point')),
        sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_contact_point_user_id_kind')),
    )
    with op.batch_alter_table('contact_point') as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_point_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contact_point') as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_point_user_id'))
    op.drop_table('contact_point')
