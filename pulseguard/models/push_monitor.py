"""The heartbeat side of a push server: its secret ping token and where its runs stand.

A push server's settings (period or cron, grace, ...) are in `Server.settings["push"]` like any
kind's; this row holds what pings and the deadline sweep change. `stage` is what the sweep has
done since the last ping (`ok`, `late`, `down`): each sweep step is a compare-and-set on it, so
several workers make each transition exactly once.
"""

import secrets
import string
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime

BASE62 = string.ascii_letters + string.digits
TOKEN_LENGTH = 24  # 24 base62 characters: about 143 bits


def new_token() -> str:
    """Return a fresh random ping token (base62, from `secrets`)."""
    return "".join(secrets.choice(BASE62) for _ in range(TOKEN_LENGTH))


class PushMonitor(db.Model):
    __tablename__ = "push_monitors"

    server_id: Mapped[int] = mapped_column(
        ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    stage: Mapped[str] = mapped_column(String(10), default="ok")
    last_ping_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_expected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Not indexed, like servers.next_check_at: every ping rewrites it, and an index would make
    # each of those updates non-HOT; the sweep scans this small table instead.
    alert_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    running: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The open runs by rid ({"<rid>": "<ISO start>"}; "" for a start sent without a rid).
    runs: Mapped[dict] = mapped_column(JSON, default=dict)
    last_duration_ms: Mapped[float | None]
    last_exit_code: Mapped[int | None]

    server = relationship("Server", back_populates="push_monitor")
