"""Hourly check counters per server, so uptime costs the same whatever the history's size."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime


class UptimeRollup(db.Model):
    __tablename__ = "uptime_rollups"
    # Rewritten on every check or claim: half of each page free for HOT updates on PostgreSQL (see
    # migration 0003), so the old row versions are reclaimed in place instead of growing the table.
    __table_args__ = {"postgresql_with": {"fillfactor": 50}}

    server_id: Mapped[int] = mapped_column(
        ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True
    )
    hour_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    total: Mapped[int] = mapped_column(default=0)
    successes: Mapped[int] = mapped_column(default=0)
    response_time_sum_ms: Mapped[float] = mapped_column(default=0.0)
    response_count: Mapped[int] = mapped_column(default=0)
