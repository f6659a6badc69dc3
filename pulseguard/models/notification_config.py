"""Who to tell, and how, when a server goes down or comes back."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime, utcnow


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    SMS = "sms"


class NotificationConfig(db.Model):
    __tablename__ = "notification_configs"

    id: Mapped[int] = mapped_column(primary_key=True)
    server_id: Mapped[int] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"), index=True)
    notification_type: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(2000))
    enabled: Mapped[bool] = mapped_column(default=True)
    notify_on_failure: Mapped[bool] = mapped_column(default=True)
    notify_on_recovery: Mapped[bool] = mapped_column(default=True)
    # Repeat the failure message every N minutes while the server stays down (None: never).
    reminder_minutes: Mapped[int | None]
    # When the last reminder was claimed (compare-and-set, so that two runs never remind twice).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    server = relationship("Server", back_populates="notifications")
