"""hot updates: no index on columns rewritten by every check; room for HOT updates

Every claim rewrites servers.next_check_at and every check its server_statuses row (updated_at)
and its hourly uptime_rollups row. While one of those columns is indexed, PostgreSQL copies the row
and adds index entries on every write, and the tables grow until autovacuum catches up. Without
those two indexes, and with half of each page free (fillfactor 50, so that a page whose rows are
all rewritten by one statement still holds the new versions), the writes are HOT updates whose old
versions are pruned in place. The dispatcher and the `since` queries scan instead (10,000 short
rows: a few milliseconds).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 09:00:00

"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

REWRITTEN = ('servers', 'server_statuses', 'uptime_rollups')


def upgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.drop_index('ix_servers_next_check_at')
    with op.batch_alter_table('server_statuses', schema=None) as batch_op:
        batch_op.drop_index('ix_server_statuses_updated_at')
    if op.get_bind().dialect.name == 'postgresql':
        for table in REWRITTEN:
            op.execute(f'ALTER TABLE {table} SET (fillfactor = 50)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in REWRITTEN:
            op.execute(f'ALTER TABLE {table} RESET (fillfactor)')
    with op.batch_alter_table('server_statuses', schema=None) as batch_op:
        batch_op.create_index('ix_server_statuses_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.create_index('ix_servers_next_check_at', ['next_check_at'], unique=False)
