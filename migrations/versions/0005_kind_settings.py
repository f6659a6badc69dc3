"""kind settings: servers.settings, a JSON object of the settings of kinds with their own block

The registry of kinds (pulseguard/kinds) lets a kind declare one nested object of settings in the
API (`dns: {...}`, `push: {...}`); they are kept here, so that a new kind needs no new column.
Existing servers (http, https, tcp) get an empty object.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('settings', sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.drop_column('settings')
