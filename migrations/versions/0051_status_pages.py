"""status pages: public pages of groups of servers, with what to show and a time zone

Revision ID: 0051
Revises: 0031
Create Date: 2026-12-01 16:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0051'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'status_pages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('groups', sa.JSON(), nullable=False),
        *[
            sa.Column(name, sa.Boolean(), nullable=False)
            for name in (
                'show_uptime', 'show_bars', 'show_incidents', 'show_maintenance',
                'show_response_time', 'show_cert_expiry', 'show_hostnames',
            )
        ],
        sa.Column('bar_days', sa.Integer(), nullable=False),
        sa.Column('refresh_seconds', sa.Integer(), nullable=False),
        sa.Column('footer_text', sa.String(length=500), nullable=False),
        sa.Column('logo_url', sa.String(length=2000), nullable=True),
        sa.Column('theme', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('slug'),
    )
    op.create_index('ix_status_pages_owner_id', 'status_pages', ['owner_id'])


def downgrade():
    op.drop_index('ix_status_pages_owner_id', table_name='status_pages')
    op.drop_table('status_pages')
