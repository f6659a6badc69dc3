"""Seconds per UTC day that a server spent in each state other than up: the daily rollup.

Time-weighted (from state intervals, never from raw results), kept for STATE_RETENTION_DAYS (at
least 400). Up time is what is left of the day, so a day without a row was all up (or before the
server's timeline began: see StateSpan.tracked_since). `slots` holds the same seconds per
quarter of an hour (`{"37": [down, degraded, maintenance, unmonitored]}`, non-zero quarters
only), so that days can be cut in any time zone: every UTC offset is a multiple of 15 minutes.
"""

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db


class StateDay(db.Model):
    __tablename__ = "state_days"

    server_id: Mapped[int] = mapped_column(
        ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    down_s: Mapped[float] = mapped_column(default=0.0)
    degraded_s: Mapped[float] = mapped_column(default=0.0)
    maintenance_s: Mapped[float] = mapped_column(default=0.0)
    unmonitored_s: Mapped[float] = mapped_column(default=0.0)  # paused, or not checked yet
    slots: Mapped[dict] = mapped_column(JSON, default=dict)
