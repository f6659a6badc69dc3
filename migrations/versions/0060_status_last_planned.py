"""server statuses: the planned time of the last recorded check

`server_statuses.last_planned_at` is the planned time of the last active check recorded for the
server. Recording a check is a compare-and-set on it (only a later planned time is written), so a
claim run twice (by a worker and by the one that took its lapsed lease over) is recorded once.

Revision ID: 0060
Revises: 0015
Create Date: 2026-12-01 19:00:00

"""
import sqlalchemy as sa
from alembic import op



revision = '0060'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('server_statuses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_planned_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('server_statuses', schema=None) as batch_op:
        batch_op.drop_column('last_planned_at')
