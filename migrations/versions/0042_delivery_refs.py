"""notification deliveries name what an announcement is about

notification_deliveries gains `ref` (for maintenance, incident_update and cert_expiring
messages: "window:3:start", "update:12", "cert:7"), so a retried or re-delivered announcement
is sent once per config.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-01 20:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ref', sa.String(length=120), nullable=True))
        batch_op.create_index('ix_notification_deliveries_ref', ['ref'])


def downgrade():
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_deliveries_ref')
        batch_op.drop_column('ref')
