"""notification deliveries keep an announcement's facts

notification_deliveries gains `announcement` (JSON: the facts a maintenance, incident_update or
cert_expiring job carried), so that an attempt a killed worker left `sending` can be made again
by resume_deliveries, as status-change attempts are.

Revision ID: 0170
Revises: 0042
Create Date: 2026-12-01 22:40:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0170'
down_revision = '0042'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announcement', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.drop_column('announcement')
