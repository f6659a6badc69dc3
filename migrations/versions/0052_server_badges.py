"""server badges: badges_enabled (off by default) and a random badge_key per server

Every existing server gets its own key (22 characters base62 from `secrets`); badges stay off
until the owner turns them on.

Revision ID: 0052
Revises: 0022
Create Date: 2026-12-01 16:10:00

"""
import secrets

import sqlalchemy as sa
from alembic import op


revision = '0052'
down_revision = '0022'
branch_labels = None
depends_on = None
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def upgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('badges_enabled', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('badge_key', sa.String(length=22), nullable=True))
    connection = op.get_bind()
    servers = sa.table('servers', sa.column('id', sa.Integer), sa.column('badge_key', sa.String))
    for (server_id,) in connection.execute(sa.select(servers.c.id)).all():
        key = "".join(secrets.choice(BASE62) for _ in range(22))
        connection.execute(
            servers.update().where(servers.c.id == server_id).values(badge_key=key)
        )
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.alter_column('badge_key', existing_type=sa.String(length=22), nullable=False)
        batch_op.create_unique_constraint('uq_servers_badge_key', ['badge_key'])


def downgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.drop_constraint('uq_servers_badge_key', type_='unique')
        batch_op.drop_column('badge_key')
        batch_op.drop_column('badges_enabled')
