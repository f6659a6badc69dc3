"""The result of one check of one server."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import BigId, UTCDateTime, utcnow


class PingResult(db.Model):
    __tablename__ = "ping_results"
    __table_args__ = (
        Index("ix_ping_results_server_checked", "server_id", "checked_at"),
        Index("ix_ping_results_checked", "checked_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    server_id: Mapped[int] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(10))  # a CheckOutcome; the API's `status`
    response_time_ms: Mapped[float | None]
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    error_message: Mapped[str | None] = mapped_column(String(500))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL for an active check (the API's "check"); a push event: start|success|fail|log|missed.
    kind: Mapped[str | None] = mapped_column(String(10))
    in_maintenance: Mapped[bool] = mapped_column(default=False)
    details: Mapped[dict | None] = mapped_column(JSON)  # per kind; NULL when there are none
    assertions: Mapped[list | None] = mapped_column(JSON)  # each assertion's verdict, or NULL
