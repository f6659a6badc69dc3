"""The current, aggregated status of one server: exactly one per server."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime, utcnow
from pulseguard.states import Health


class ServerStatus(db.Model):
    __tablename__ = "server_statuses"
    # Rewritten on every check or claim: half of each page free for HOT updates on PostgreSQL (see
    # migration 0003), so the old row versions are reclaimed in place instead of growing the table.
    __table_args__ = {"postgresql_with": {"fillfactor": 50}}

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int] = mapped_column(
        ForeignKey("servers.id", ondelete="CASCADE"), unique=True
    )
    # The API calls it `status`: up, down, degraded or unknown, as the checks found it.
    health: Mapped[str] = mapped_column(String(10), default=Health.UNKNOWN, index=True)
    last_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The planned time of the last active check recorded: recording is a compare-and-set on it,
    # so that a claim run by two workers (a lapsed lease taken over) is recorded once.
    last_planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_response_time_ms: Mapped[float | None]
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(500), default="Not checked yet")
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while a maintenance window covers the server: since when, and its status then.
    maintenance_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    health_before_maintenance: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # not indexed: HOT
    # An https server's certificate as last read (monitoring/certs.py), with `alerted_days`, the
    # smallest cert_expiring threshold already sent for it; null for other kinds.
    cert: Mapped[dict | None] = mapped_column(JSON)

    server = relationship("Server", back_populates="current_status")
