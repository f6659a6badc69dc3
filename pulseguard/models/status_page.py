"""A public status page: a slug, groups of the owner's servers, what to show, and a time zone.

`groups` is the page's layout as one JSON list, `[{"name", "servers": [{"server": id,
"display_name"?}]}]`, edited as a whole; servers deleted since simply drop out when it is read.
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime, utcnow


class StatusPage(db.Model):
    __tablename__ = "status_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    groups: Mapped[list] = mapped_column(JSON, default=list)
    show_uptime: Mapped[bool] = mapped_column(default=True)
    show_bars: Mapped[bool] = mapped_column(default=True)
    show_incidents: Mapped[bool] = mapped_column(default=True)
    show_maintenance: Mapped[bool] = mapped_column(default=True)
    show_response_time: Mapped[bool] = mapped_column(default=False)
    show_cert_expiry: Mapped[bool] = mapped_column(default=False)
    show_hostnames: Mapped[bool] = mapped_column(default=False)
    bar_days: Mapped[int] = mapped_column(default=90)
    refresh_seconds: Mapped[int] = mapped_column(default=60)
    footer_text: Mapped[str] = mapped_column(String(500), default="")
    logo_url: Mapped[str | None] = mapped_column(String(2000))
    theme: Mapped[str] = mapped_column(String(10), default="auto")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def server_ids(self) -> list[int]:
        """Return the ids of the servers the page lists, in page order."""
        return [item["server"] for group in self.groups or [] for item in group["servers"]]
