"""Each council's retention policy (docs/adr/0007-retention.md), with the defaults;
and the one way audit entries can be deleted: by age, with leave in ``audit_purge``
from the same transaction (every other DELETE, and every UPDATE, is still refused).

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {'retention_months_after_support': '12', 'retention_unused_words_months': '6', 'retention_audit_years': '6'}


REFUSE = "'audit_event is append-only'"
ALLOWED = (
    "EXISTS (SELECT 1 FROM audit_purge p WHERE p.tenant_id = {row}.tenant_id AND {row}.at < p.before)"
)


def upgrade() -> None:
    with op.batch_alter_table('tenant') as batch_op:
        for name, default in COLUMNS.items():
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default=default))
    op.create_table(
        'audit_purge',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('before', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_audit_purge_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_audit_purge')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_event_append_only ON audit_event')
        op.execute(
            'CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event '
            'FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()'
        )
        op.execute(
            'CREATE FUNCTION audit_event_delete_by_age() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f'BEGIN IF {ALLOWED.format(row="OLD")} THEN RETURN OLD; END IF; RAISE EXCEPTION {REFUSE}; END $$'
        )
        op.execute(
            'CREATE TRIGGER audit_event_delete_by_age BEFORE DELETE ON audit_event '
            'FOR EACH ROW EXECUTE FUNCTION audit_event_delete_by_age()'
        )
    else:
        op.execute('DROP TRIGGER audit_event_no_delete')
        op.execute(
            'CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event '
            f'WHEN NOT {ALLOWED.format(row="old")} BEGIN SELECT RAISE(ABORT, {REFUSE}); END'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER audit_event_delete_by_age ON audit_event')
        op.execute('DROP FUNCTION audit_event_delete_by_age()')
        op.execute('DROP TRIGGER audit_event_append_only ON audit_event')
        op.execute(
            'CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event '
            'FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()'
        )
    else:
        op.execute('DROP TRIGGER audit_event_no_delete')
        op.execute(
            'CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event '
            f'BEGIN SELECT RAISE(ABORT, {REFUSE}); END'
        )
    op.drop_table('audit_purge')
    with op.batch_alter_table('tenant') as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)
