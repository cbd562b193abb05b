"""An index for insights' quotes: approved answers, newest moderated first.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import waymark.db


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('consultation_answer', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_answer_moderation_moderated_at', ['moderation', 'moderated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('consultation_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_answer_moderation_moderated_at')

