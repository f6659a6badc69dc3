"""notification deliveries name their incident

notification_deliveries gains `incident_id` (the incident a message is about: reminders are
counted per incident, and messages and the deliveries list name it), and a partial unique index
that allows one first attempt of `failure`, `degraded` and `recovery` per config and incident
(two workers recording the same outage send one message).

Revision ID: 0041
Revises: 0016
Create Date: 2026-12-01 19:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0041'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incident_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_notification_deliveries_incident_id', ['incident_id'])
        batch_op.create_foreign_key(
            'fk_notification_deliveries_incident_id_incidents', 'incidents', ['incident_id'],
            ['id'], ondelete='SET NULL',
        )
    once = sa.text(
        "attempt = 1 AND incident_id IS NOT NULL "
        "AND event IN ('failure', 'degraded', 'recovery')"
    )
    op.create_index(
        'uq_notification_deliveries_once', 'notification_deliveries',
        ['config_id', 'incident_id', 'event'], unique=True,
        postgresql_where=once, sqlite_where=once,
    )


def downgrade():
    op.drop_index('uq_notification_deliveries_once', table_name='notification_deliveries')
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(
            'fk_notification_deliveries_incident_id_incidents', type_='foreignkey'
        )
        batch_op.drop_index('ix_notification_deliveries_incident_id')
        batch_op.drop_column('incident_id')
