"""notification configs and maintenance windows: a stable `key` each (config as code, §7)

A config's key is unique among its server's configs (or among its owner's configs for every
server); a window's among its owner's windows. Existing rows get the slug of their name (a
config without a name: of its type), then `-2`, `-3`... on a clash.

Revision ID: 0100
Revises: 0170
Create Date: 2026-12-01 22:30:00

"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op


revision = '0100'
down_revision = '0170'
branch_labels = None
depends_on = None


def _slug(name):
    ascii_name = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore').decode()
    slug = re.sub(r'[^a-z0-9_]+', '-', ascii_name.lower()).strip('-_')
    return slug[:90].rstrip('-_') or 'config'


def _backfill(conn, table, rows):
    taken = {}
    for row_id, group, name in rows:
        used = taken.setdefault(group, set())
        key, n = _slug(name), 1
        while key in used:
            n += 1
            key = f'{_slug(name)}-{n}'
        used.add(key)
        conn.execute(sa.text(f'UPDATE {table} SET key = :key WHERE id = :id'),
                     {'key': key, 'id': row_id})


def upgrade():
    with op.batch_alter_table('notification_configs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=100), nullable=True))
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=100), nullable=True))
    conn = op.get_bind()
    configs = conn.execute(sa.text(
        'SELECT id, server_id, owner_id, name, notification_type FROM notification_configs '
        'ORDER BY id')).fetchall()
    _backfill(conn, 'notification_configs',
              [(i, ('server', s) if s is not None else ('owner', o), n or t)
               for i, s, o, n, t in configs])
    windows = conn.execute(sa.text(
        'SELECT id, owner_id, name FROM maintenance_windows ORDER BY id')).fetchall()
    _backfill(conn, 'maintenance_windows', [(i, o, n) for i, o, n in windows])
    with op.batch_alter_table('notification_configs', schema=None) as batch_op:
        batch_op.alter_column('key', existing_type=sa.String(length=100), nullable=False)
        batch_op.create_unique_constraint('uq_notification_configs_server_key',
                                          ['server_id', 'key'])
    op.create_index('uq_notification_configs_owner_wide_key', 'notification_configs',
                    ['owner_id', 'key'], unique=True,
                    sqlite_where=sa.text('server_id IS NULL'),
                    postgresql_where=sa.text('server_id IS NULL'))
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.alter_column('key', existing_type=sa.String(length=100), nullable=False)
        batch_op.create_unique_constraint('uq_maintenance_windows_owner_key', ['owner_id', 'key'])


def downgrade():
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.drop_constraint('uq_maintenance_windows_owner_key', type_='unique')
        batch_op.drop_column('key')
    op.drop_index('uq_notification_configs_owner_wide_key', table_name='notification_configs')
    with op.batch_alter_table('notification_configs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_notification_configs_server_key', type_='unique')
        batch_op.drop_column('key')
