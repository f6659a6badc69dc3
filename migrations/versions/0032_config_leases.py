"""config leases: one row per user while a configuration document is applied

A concurrent apply of the same user finds the row and gets 409 (API-NEXT §7).

Revision ID: 0032
Revises: 0010
Create Date: 2026-12-01 19:00:00

"""
import sqlalchemy as sa
from alembic import op



revision = '0032'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'config_leases',
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('owner_id'),
    )


def downgrade():
    op.drop_table('config_leases')
