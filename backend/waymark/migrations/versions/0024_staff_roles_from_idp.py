"""Staff roles from the identity provider's claims (identity/idp_roles.py): the
council's claim name, mapping and days before an unused account is listed; each
account's flag and last sign-in.

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tenant') as batch_op:
        batch_op.add_column(
            sa.Column('role_claim', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default='groups')
        )
        batch_op.add_column(sa.Column('role_mapping', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('stale_staff_days', sa.Integer(), nullable=False, server_default='90'))
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('roles_from_idp', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('last_signed_in_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('last_signed_in_at')
        batch_op.drop_column('roles_from_idp')
    with op.batch_alter_table('tenant') as batch_op:
        batch_op.drop_column('stale_staff_days')
        batch_op.drop_column('role_mapping')
        batch_op.drop_column('role_claim')
