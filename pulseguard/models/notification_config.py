"""Who to tell, and how, when a server goes down or comes back."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pulseguard.extensions import db
from pulseguard.models.server_key import default_key
from pulseguard.models.types import UTCDateTime, utcnow


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    SMS = "sms"
    APPRISE = "apprise"
    SLACK = "slack"
    DISCORD = "discord"
    TELEGRAM = "telegram"
    TEAMS = "teams"
    PAGERDUTY = "pagerduty"
    NTFY = "ntfy"


class NotificationConfig(db.Model):
    __tablename__ = "notification_configs"
    # `key` is unique among a server's configs, and among an owner's configs for every server.
    __table_args__ = (
        UniqueConstraint("server_id", "key", name="uq_notification_configs_server_key"),
        Index(
            "uq_notification_configs_owner_wide_key",
            "owner_id",
            "key",
            unique=True,
            sqlite_where=text("server_id IS NULL"),
            postgresql_where=text("server_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # None: every server of the owner (those carrying one of `tags`, when tags are given).
    server_id: Mapped[int | None] = mapped_column(
        ForeignKey("servers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(100))
    # Stable within its server (or owner, for server None): config as code matches by it.
    key: Mapped[str] = mapped_column(String(100), default=default_key)
    notification_type: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(2000))
    enabled: Mapped[bool] = mapped_column(default=True)
    # The events it wants (pulseguard.notify.events); the two flags are kept in step with it.
    events: Mapped[list | None] = mapped_column(JSON)
    notify_on_failure: Mapped[bool] = mapped_column(default=True)
    notify_on_recovery: Mapped[bool] = mapped_column(default=True)
    tags: Mapped[list | None] = mapped_column(JSON)
    # Per-type settings (ntfy priority, pagerduty api_key and severity, telegram silent).
    options: Mapped[dict | None] = mapped_column(JSON)
    # Signs webhook bodies (HMAC-SHA256); write-only in the API.
    secret: Mapped[str | None] = mapped_column(String(500))
    # Repeat the failure message every N minutes while the server stays down (None: never).
    reminder_minutes: Mapped[int | None]
    max_reminders: Mapped[int] = mapped_column(default=0, server_default="0")  # 0: unlimited
    # When the last reminder was claimed (compare-and-set, so that two runs never remind twice).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Failed deliveries in a row; at DISABLE_AFTER_FAILURES the config is disabled.
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    server = relationship("Server", back_populates="notifications")
