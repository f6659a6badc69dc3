"""incident updates and manual incidents: dated public or private notes, and the servers of an announcement

`incident_updates` holds each incident's updates (status, message, public flag, author);
`incident_servers` the servers a manual incident concerns (an automatic one has its
`server_id`); `incidents.status_pages` the pages a manual incident is announced on.

Revision ID: 0023
Revises: 0070
Create Date: 2026-12-01 19:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0023'
down_revision = '0070'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'incident_updates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=13), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('incident_updates', schema=None) as batch_op:
        batch_op.create_index('ix_incident_updates_incident_id', ['incident_id'])
    op.create_table(
        'incident_servers',
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('server_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['server_id'], ['servers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('incident_id', 'server_id'),
    )
    with op.batch_alter_table('incident_servers', schema=None) as batch_op:
        batch_op.create_index('ix_incident_servers_server_id', ['server_id'])
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('status_pages', sa.JSON(), nullable=False, server_default='[]')
        )


def downgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('status_pages')
    op.drop_table('incident_servers')
    op.drop_table('incident_updates')
