"""A monitored server: what to check, how often, and who owns it."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pulseguard.extensions import db
from pulseguard.models.server_key import default_key
from pulseguard.models.types import UTCDateTime, base62_secret, utcnow
from pulseguard.states import MonitoringState


class Server(db.Model):
    __tablename__ = "servers"
    # Rewritten on every check or claim: half of each page free for HOT updates on PostgreSQL (see
    # migration 0003), so the old row versions are reclaimed in place instead of growing the table.
    __table_args__ = (
        UniqueConstraint("owner_id", "key", name="uq_servers_owner_key"),
        {"postgresql_with": {"fillfactor": 50}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # Stable per owner (config as code, slug push URLs): see models/server_key.py.
    key: Mapped[str] = mapped_column(String(100), default=default_key)
    protocol: Mapped[str] = mapped_column(String(10), default="https")  # a kind (pulseguard.kinds)
    host: Mapped[str | None] = mapped_column(String(255))  # None for push servers
    port: Mapped[int | None]
    path: Mapped[str] = mapped_column(String(2000), default="/")
    check_interval_s: Mapped[int] = mapped_column(default=60)
    timeout_s: Mapped[float] = mapped_column(default=10.0)
    # The API calls it `status`: active, paused or maintenance, as the owner set it.
    monitoring_state: Mapped[str] = mapped_column(
        String(20), default=MonitoringState.ACTIVE, index=True
    )
    tags: Mapped[list] = mapped_column(JSON, default=list)
    # "" or "<checks>/<uptime>" of the maintenance windows covering it now ("run/exclude", ...):
    # written by monitoring/maintenance.py, read through models/monitored.py.
    maintenance: Mapped[str] = mapped_column(String(20), default="", server_default="")
    method: Mapped[str] = mapped_column(String(10), default="GET")
    expected_status: Mapped[str] = mapped_column(String(100), default="200-399")
    keyword: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    verify_tls: Mapped[bool] = mapped_column(default=True)
    follow_redirects: Mapped[bool] = mapped_column(default=True)
    # HTTP assertions (API-NEXT §1.5; checks/assertions.py): the keyword's mode, and the list.
    keyword_mode: Mapped[str] = mapped_column(String(10), default="contains")
    keyword_invert: Mapped[bool] = mapped_column(default=False)
    keyword_case_sensitive: Mapped[bool] = mapped_column(default=True)
    assertions: Mapped[list | None] = mapped_column(JSON, default=list)
    # The settings of kinds that have their own nested object in the API ({"dns": {...}}): a new
    # kind needs no column of its own (see pulseguard/kinds/kind.py).
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    degraded_threshold_ms: Mapped[int | None]
    failure_threshold: Mapped[int] = mapped_column(default=1)
    # When the dispatcher should next check it; claimed by compare-and-set. Not indexed: an index
    # would turn every claim into a non-HOT update; the dispatcher scans the table instead.
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tls_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Public badges (off by default) behind a random key unrelated to ids and other secrets.
    badges_enabled: Mapped[bool] = mapped_column(default=False)
    badge_key: Mapped[str] = mapped_column(String(22), unique=True, default=base62_secret)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner = relationship("User", lazy="raise_on_sql")
    current_status = relationship(
        "ServerStatus", uselist=False, back_populates="server", cascade="all, delete-orphan"
    )
    notifications = relationship(
        "NotificationConfig",
        back_populates="server",
        cascade="all, delete-orphan",
        order_by="NotificationConfig.id",
    )
    push_monitor = relationship(
        "PushMonitor", uselist=False, back_populates="server", cascade="all, delete-orphan"
    )
