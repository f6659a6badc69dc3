"""notification reminders: when each config was last reminded

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_configs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('notification_configs', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
