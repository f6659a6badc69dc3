"""http assertions: the keyword's mode, inversion and case, and a list of assertions per server

Every existing server keeps today's meaning: keyword as a case-sensitive substring, no
assertions (API-NEXT §1.5).

Revision ID: 0015
Revises: 0032
Create Date: 2026-12-01 19:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('keyword_mode', sa.String(length=10), nullable=False, server_default='contains')
        )
        batch_op.add_column(
            sa.Column('keyword_invert', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('keyword_case_sensitive', sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column('assertions', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('servers', schema=None) as batch_op:
        for column in ('assertions', 'keyword_case_sensitive', 'keyword_invert', 'keyword_mode'):
            batch_op.drop_column(column)
