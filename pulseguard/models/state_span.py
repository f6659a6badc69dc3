"""The state each server is in now, and since when: the open interval of its state timeline.

Closed intervals are folded into daily rollups (`StateDay`) when the state changes; the open one
lives here, so that a server that stays up for a year writes nothing at all. `tracked_since` is
where the timeline begins (the server's creation, or the moment timelines were introduced for
servers that existed before): days before it have no data.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime


class StateSpan(db.Model):
    __tablename__ = "state_spans"

    server_id: Mapped[int] = mapped_column(
        ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True
    )
    # up, down, degraded, maintenance, paused or unknown (pulseguard.monitoring.timeline)
    state: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tracked_since: Mapped[datetime] = mapped_column(UTCDateTime)
