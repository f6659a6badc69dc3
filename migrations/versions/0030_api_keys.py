"""api keys: scoped credentials for scripts, stored as sha256 behind a public key id

Revision ID: 0030
Revises: 0020
Create Date: 2026-12-01 15:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0030'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('key_id', sa.String(length=8), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_used_ip', sa.String(length=45), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_id'),
    )
    op.create_index('ix_api_keys_user_id', 'api_keys', ['user_id'])
    op.create_index(
        'uq_api_keys_user_active_name',
        'api_keys',
        ['user_id', 'name'],
        unique=True,
        postgresql_where=sa.text('revoked_at IS NULL'),
        sqlite_where=sa.text('revoked_at IS NULL'),
    )


def downgrade():
    op.drop_index('uq_api_keys_user_active_name', table_name='api_keys')
    op.drop_index('ix_api_keys_user_id', table_name='api_keys')
    op.drop_table('api_keys')
