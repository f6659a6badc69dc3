"""maintenance in force: which servers a window covers now, and their state before it

servers.maintenance is "" or "<checks>/<uptime>" of the windows covering the server now (written
by the maintenance sweep; the dispatcher and recording read it through models/monitored.py).
server_statuses keep when the server entered maintenance and its status then, for the
comparison at the end. maintenance_windows.active_since is the start of the occurrence the sweep
last put in force (claimed by compare-and-set, so one process announces each start and end).

Revision ID: 0021
Revises: 0051
Create Date: 2026-12-01 16:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0021'
down_revision = '0051'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('maintenance', sa.String(length=20), nullable=False, server_default='')
        )
    with op.batch_alter_table('server_statuses', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('maintenance_since', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('health_before_maintenance', sa.String(length=10), nullable=True)
        )
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active_since', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.drop_column('active_since')
    with op.batch_alter_table('server_statuses', schema=None) as batch_op:
        batch_op.drop_column('health_before_maintenance')
        batch_op.drop_column('maintenance_since')
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.drop_column('maintenance')
