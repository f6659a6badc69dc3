"""state timelines: each server's open state interval, and daily rollups of state durations

state_spans holds the state each server is in now and since when; state_days the seconds per UTC
day (and per quarter hour, in `slots`) spent down, degraded, in maintenance or unmonitored. The
status pages' daily bars and uptime are read from them, never from raw results. Servers that
exist already start their timeline now: the days before it have no data.

Revision ID: 0050
Revises: 0006
Create Date: 2026-12-01 15:40:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0050'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'state_spans',
        sa.Column('server_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('tracked_since', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['server_id'], ['servers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('server_id'),
    )
    op.create_table(
        'state_days',
        sa.Column('server_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('down_s', sa.Double(), nullable=False),
        sa.Column('degraded_s', sa.Double(), nullable=False),
        sa.Column('maintenance_s', sa.Double(), nullable=False),
        sa.Column('unmonitored_s', sa.Double(), nullable=False),
        sa.Column('slots', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['server_id'], ['servers.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('server_id', 'day'),
    )
    op.execute(
        """
        INSERT INTO state_spans (server_id, state, started_at, tracked_since)
        SELECT s.id,
               CASE WHEN s.monitoring_state IN ('paused', 'maintenance') THEN s.monitoring_state
                    ELSE COALESCE(st.health, 'unknown') END,
               CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
        FROM servers s LEFT JOIN server_statuses st ON st.server_id = s.id
        """
    )


def downgrade():
    op.drop_table('state_days')
    op.drop_table('state_spans')
