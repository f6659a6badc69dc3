"""One attempt to deliver one notification."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import BigId, UTCDateTime, utcnow


class NotificationDelivery(db.Model):
    __tablename__ = "notification_deliveries"

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
    event: Mapped[str] = mapped_column(String(20))  # failure | recovery | reminder | test
    attempt: Mapped[int] = mapped_column(default=1)
    outcome: Mapped[str] = mapped_column(String(20))  # sent | retrying | failed
    status: Mapped[str | None] = mapped_column(String(10))  # success | failure | timeout
    error: Mapped[str | None] = mapped_column(String(1000))
    duration_ms: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
