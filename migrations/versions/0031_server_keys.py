"""server keys: every server gets `key`, its stable name per owner (config as code, push URLs)

Backfilled from each server's name, oldest first (`web`, then `web-2` on a clash within an
owner), then made required and unique per owner.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa
from alembic import op

from pulseguard.models.server_key import first_free, slugify


revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("servers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=100), nullable=True))
    servers = sa.table(
        "servers",
        sa.column("id", sa.Integer),
        sa.column("owner_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("key", sa.String),
    )
    conn = op.get_bind()
    taken = {}
    rows = conn.execute(
        sa.select(servers.c.id, servers.c.owner_id, servers.c.name).order_by(servers.c.id)
    )
    for server_id, owner_id, name in rows.all():
        keys = taken.setdefault(owner_id, set())
        key = first_free(slugify(name), keys)
        keys.add(key)
        conn.execute(servers.update().where(servers.c.id == server_id).values(key=key))
    with op.batch_alter_table("servers", schema=None) as batch_op:
        batch_op.alter_column("key", existing_type=sa.String(length=100), nullable=False)
        batch_op.create_unique_constraint("uq_servers_owner_key", ["owner_id", "key"])


def downgrade():
    with op.batch_alter_table("servers", schema=None) as batch_op:
        batch_op.drop_constraint("uq_servers_owner_key", type_="unique")
        batch_op.drop_column("key")
