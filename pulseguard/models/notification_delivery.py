"""One attempt to deliver one notification."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import BigId, UTCDateTime, utcnow

# One first attempt per config, incident and event that happens once per outage: two workers
# that both recorded the same outage (two status changes) send one message, not two.
ONCE_PER_INCIDENT = text(
    "attempt = 1 AND incident_id IS NOT NULL AND event IN ('failure', 'degraded', 'recovery')"
)


class NotificationDelivery(db.Model):
    __tablename__ = "notification_deliveries"
    __table_args__ = (
        Index(
            "uq_notification_deliveries_once",
            "config_id",
            "incident_id",
            "event",
            unique=True,
            postgresql_where=ONCE_PER_INCIDENT,
            sqlite_where=ONCE_PER_INCIDENT,
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    config_id: Mapped[int] = mapped_column(
        ForeignKey("notification_configs.id", ondelete="CASCADE"), index=True
    )
    # None for a message about no one server (a test of an owner-wide config, a disabled notice).
    server_id: Mapped[int | None] = mapped_column(
        ForeignKey("servers.id", ondelete="CASCADE"), index=True
    )
    status_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_changes.id", ondelete="SET NULL")
    )
    # The incident the message is about (reminders are counted per incident); None: none.
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    # What an announcement is about ("window:3:active:…", "cert:12"); None for status changes.
    ref: Mapped[str | None] = mapped_column(String(120), index=True)
    # An announcement's facts (the job's `facts`), kept on its attempts so that notify/resume.py
    # can make the next attempt of one a stopped worker cut short.
    announcement: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    event: Mapped[str] = mapped_column(String(20))  # failure | recovery | reminder | test
    attempt: Mapped[int] = mapped_column(default=1)
    outcome: Mapped[str] = mapped_column(String(20))  # sent | retrying | failed
    status: Mapped[str | None] = mapped_column(String(10))  # success | failure | timeout
    error: Mapped[str | None] = mapped_column(String(1000))
    duration_ms: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
