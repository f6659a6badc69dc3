"""result kind and details: what push results, assertions and maintenance windows record

ping_results gains `kind` (NULL for an active check, else a push event), `in_maintenance`,
`details` (a JSON object per kind) and `assertions` (each assertion's verdict). The nullable
columns cost nothing on the rows of plain checks.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ping_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column('in_maintenance', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('assertions', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('ping_results', schema=None) as batch_op:
        for column in ('assertions', 'details', 'in_maintenance', 'kind'):
            batch_op.drop_column(column)
