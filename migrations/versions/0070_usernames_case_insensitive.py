"""users: usernames unique whatever their case

A unique index on lower(username), so that "Alice" cannot sign up next to "alice" (issue 18).
Existing accounts whose names differ only in case keep the oldest as it is; each later one is
renamed to `<name>-<id>` (printed), since the index could not be built otherwise.

Revision ID: 0070
Revises: 0060
Create Date: 2026-12-01 19:40:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0070'
down_revision = '0060'
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text('SELECT id, username FROM users ORDER BY id')).fetchall()
    seen = set()
    for user_id, username in rows:
        if username.lower() in seen:
            renamed = f'{username[:140]}-{user_id}'
            print(f'users: {username!r} renamed to {renamed!r} (another user has it in another case)')
            conn.execute(sa.text('UPDATE users SET username = :name WHERE id = :id'),
                         {'name': renamed, 'id': user_id})
        seen.add(username.lower())
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)


def downgrade():
    op.drop_index('uq_users_username_lower', table_name='users')
