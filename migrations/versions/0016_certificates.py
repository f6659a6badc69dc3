"""certificates: the https certificate on each status, and cert_expiring events

`server_statuses.cert` holds an https server's certificate as its checks last read it (subject,
issuer, SANs, validity, SHA-256 fingerprint). `cert_events` records each expiry threshold a
certificate crossed, once per threshold per fingerprint (the unique key).

Revision ID: 0016
Revises: 0023
Create Date: 2026-12-01 19:10:00

"""

import sqlalchemy as sa
from alembic import op


revision = "0016"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("server_statuses") as batch_op:
        batch_op.add_column(sa.Column("cert", sa.JSON(), nullable=True))
    op.create_table(
        "cert_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint_sha256", sa.String(length=64), nullable=False),
        sa.Column("threshold_days", sa.Integer(), nullable=False),
        sa.Column("days_remaining", sa.Integer(), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["server_id"], ["servers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("server_id", "fingerprint_sha256", "threshold_days"),
    )
    with op.batch_alter_table("cert_events") as batch_op:
        batch_op.create_index(batch_op.f("ix_cert_events_server_id"), ["server_id"], unique=False)


def downgrade():
    with op.batch_alter_table("cert_events") as batch_op:
        batch_op.drop_index(batch_op.f("ix_cert_events_server_id"))
    op.drop_table("cert_events")
    with op.batch_alter_table("server_statuses") as batch_op:
        batch_op.drop_column("cert")
