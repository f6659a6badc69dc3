"""notification channels: owner-wide configs, events, options, secrets, failure streaks

notification_configs gains `owner_id` (backfilled from the server's owner; a config whose
`server_id` is NULL covers every server of its owner, optionally filtered by `tags`), `name`,
`events`, `tags`, `options`, `secret` (webhook HMAC key, write-only in the API), `max_reminders`,
`consecutive_failures` and `disabled_reason`; `notification_type` grows to 20 characters.
notification_deliveries gains `status` (success, failure, timeout), `duration_ms`, and its
`server_id` may be NULL (a test of an owner-wide config, a "channel disabled" notice).

Revision ID: 0040
Revises: 0052
Create Date: 2026-12-01 15:40:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0040'
down_revision = '0052'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_configs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('events', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('tags', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('options', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('secret', sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column('max_reminders', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column('consecutive_failures', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(sa.Column('disabled_reason', sa.String(length=500), nullable=True))
        batch_op.alter_column(
            'notification_type', existing_type=sa.String(length=10), type_=sa.String(length=20)
        )
        batch_op.alter_column('server_id', existing_type=sa.Integer(), nullable=True)
    op.execute(
        "UPDATE notification_configs SET owner_id = "
        "(SELECT owner_id FROM servers WHERE servers.id = notification_configs.server_id)"
    )
    with op.batch_alter_table('notification_configs', schema=None) as batch_op:
        batch_op.alter_column('owner_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_notification_configs_owner_id', ['owner_id'])
        batch_op.create_foreign_key(
            'fk_notification_configs_owner_id_users', 'users', ['owner_id'], ['id'],
            ondelete='CASCADE',
        )
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('duration_ms', sa.Double(), nullable=True))
        batch_op.alter_column('server_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM notification_deliveries WHERE server_id IS NULL")
    op.execute("DELETE FROM notification_configs WHERE server_id IS NULL")
    with op.batch_alter_table('notification_deliveries', schema=None) as batch_op:
        batch_op.alter_column('server_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('duration_ms')
        batch_op.drop_column('status')
    with op.batch_alter_table('notification_configs', schema=None) as batch_op:
        batch_op.drop_constraint('fk_notification_configs_owner_id_users', type_='foreignkey')
        batch_op.drop_index('ix_notification_configs_owner_id')
        batch_op.alter_column('server_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column(
            'notification_type', existing_type=sa.String(length=20), type_=sa.String(length=10)
        )
        for column in (
            'disabled_reason', 'consecutive_failures', 'max_reminders', 'secret', 'options',
            'tags', 'events', 'name', 'owner_id',
        ):
            batch_op.drop_column(column)
