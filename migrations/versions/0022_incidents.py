"""incidents: one per outage, opened by the transition that changes the server's status

At most one open incident per server: a partial unique index (state = 'open'), on PostgreSQL and
SQLite alike, so that two workers recording the same transition make one incident.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 17:05:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

OPEN_ONLY = sa.text("state = 'open'")


def upgrade():
    op.create_table(
        'incidents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=6), nullable=False),
        sa.Column('server_id', sa.Integer(), nullable=True),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('severity', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=8), nullable=False),
        sa.Column('current_status', sa.String(length=12), nullable=False),
        sa.Column('cause', sa.String(length=500), nullable=False),
        sa.Column('cause_category', sa.String(length=20), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('end_reason', sa.String(length=20), nullable=True),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
        sa.Column('ack_note', sa.Text(), nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['server_id'], ['servers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incidents_owner_id', ['owner_id'])
        batch_op.create_index('ix_incidents_server_started', ['server_id', 'started_at'])
        batch_op.create_index(
            'uq_incidents_open_server',
            ['server_id'],
            unique=True,
            postgresql_where=OPEN_ONLY,
            sqlite_where=OPEN_ONLY,
        )


def downgrade():
    op.drop_table('incidents')
