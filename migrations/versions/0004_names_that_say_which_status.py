"""names that say which status: monitoring_state, health and outcome

Three columns were all called `status`: a server's monitoring state (active, paused,
maintenance), a server status's health (up, down, degraded, unknown) and a result's outcome
(success, failure, timeout, error). The API keeps calling each of them `status`; the database and
the Python code now say which one they mean. RENAME COLUMN is a catalogue change on PostgreSQL and
SQLite (3.25+), whatever the size of the table; the two indexes are renamed with their columns.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:00:00

"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# (table, old column, new column, old index, new index)
RENAMES = (
    ('servers', 'status', 'monitoring_state', 'ix_servers_status', 'ix_servers_monitoring_state'),
    ('server_statuses', 'status', 'health', 'ix_server_statuses_status', 'ix_server_statuses_health'),
    ('ping_results', 'status', 'outcome', None, None),
)


def rename(table, old, new, old_index, new_index):
    op.execute(f'ALTER TABLE {table} RENAME COLUMN {old} TO {new}')
    if old_index is None:
        return
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER INDEX {old_index} RENAME TO {new_index}')
    else:  # SQLite cannot rename an index
        op.drop_index(old_index, table_name=table)
        op.create_index(new_index, table, [new], unique=False)


def upgrade():
    for table, old, new, old_index, new_index in RENAMES:
        rename(table, old, new, old_index, new_index)


def downgrade():
    for table, old, new, old_index, new_index in RENAMES:
        rename(table, new, old, new_index, old_index)
