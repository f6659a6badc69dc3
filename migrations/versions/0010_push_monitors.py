"""push monitors: the ping token and run state of push servers; a push server has no host

`push_monitors` holds one row per push server: its unique ping token, what the deadline sweep
has done since the last ping (`stage`), and the run state pings change (last ping, next
expected ping, open runs, last duration and exit code). `servers.host` becomes nullable: a push
server has none.

Revision ID: 0010
Revises: 0040
Create Date: 2026-12-01 15:45:00

"""
import sqlalchemy as sa
from alembic import op



revision = '0010'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'push_monitors',
        sa.Column('server_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('stage', sa.String(length=10), nullable=False),
        sa.Column('last_ping_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('next_expected_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('alert_after', sa.DateTime(timezone=True), nullable=True),
        sa.Column('running', sa.Boolean(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('runs', sa.JSON(), nullable=False),
        sa.Column('last_duration_ms', sa.Double(), nullable=True),
        sa.Column('last_exit_code', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['server_id'], ['servers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('server_id'),
        sa.UniqueConstraint('token'),
    )
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.alter_column('host', existing_type=sa.String(length=255), nullable=True)


def downgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.alter_column('host', existing_type=sa.String(length=255), nullable=False)
    op.drop_table('push_monitors')
