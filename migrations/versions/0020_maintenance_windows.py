"""maintenance windows: planned work on servers, tags or all, on a schedule

A window stores its schedule's spec (JSON), never its occurrences; the servers it names are rows
of maintenance_window_servers (a deleted server leaves every window). adhoc_start/adhoc_end hold
an occurrence opened by start/, stopped_at the moment stop/ ended one.

Revision ID: 0020
Revises: 0050
Create Date: 2026-12-01 15:50:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0020'
down_revision = '0050'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'maintenance_windows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('schedule', sa.JSON(), nullable=False),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('tag_match', sa.String(length=3), nullable=False),
        sa.Column('all_servers', sa.Boolean(), nullable=False),
        sa.Column('checks', sa.String(length=4), nullable=False),
        sa.Column('uptime', sa.String(length=11), nullable=False),
        sa.Column('notify_start_end', sa.Boolean(), nullable=False),
        sa.Column('status_pages', sa.JSON(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('adhoc_start', sa.DateTime(timezone=True), nullable=True),
        sa.Column('adhoc_end', sa.DateTime(timezone=True), nullable=True),
        sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_windows_owner_id'), ['owner_id'])
    op.create_table(
        'maintenance_window_servers',
        sa.Column('window_id', sa.Integer(), nullable=False),
        sa.Column('server_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['server_id'], ['servers.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['window_id'], ['maintenance_windows.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('window_id', 'server_id'),
    )
    with op.batch_alter_table('maintenance_window_servers', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_maintenance_window_servers_server_id'), ['server_id']
        )


def downgrade():
    op.drop_table('maintenance_window_servers')
    op.drop_table('maintenance_windows')
