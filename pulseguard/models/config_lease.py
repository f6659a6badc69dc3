"""Who is applying a configuration document now: one lease row per user while an apply runs.

A concurrent apply of the same user finds the row and gets 409. The row is written in its own
short transaction (so that the other process sees it at once, on SQLite as on PostgreSQL) and
deleted when the apply ends; a lease older than `STALE_S` was left by a process that died, and
the next apply takes it over with a compare-and-set on `taken_at`.
"""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime

STALE_S = 600


class ConfigLease(db.Model):
    __tablename__ = "config_leases"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
