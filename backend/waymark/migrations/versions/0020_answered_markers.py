"""One answer per person per consultation, anonymous ones included: a marker that
says someone answered without saying who or which response.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'consultation_answered_marker',
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('marker', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_answered_marker_consultation_id_consultation')),
        sa.PrimaryKeyConstraint('consultation_id', 'marker', name=op.f('pk_consultation_answered_marker')),
    )


def downgrade() -> None:
    op.drop_table('consultation_answered_marker')
