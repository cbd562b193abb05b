"""A safeguarding alert names the update comment that raised it, so a lead who judges
it "not a risk" sends the comment back to the moderation queue.

Revision ID: 0027
Revises: 0026
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_safeguarding_alert_comment_id_council_update_comment'),
            'council_update_comment',
            ['comment_id'],
            ['id'],
        )


def downgrade() -> None:
    with op.batch_alter_table('safeguarding_alert', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_alert_comment_id_council_update_comment'), type_='foreignkey')
        batch_op.drop_column('comment_id')
