"""An incident: one outage of one server, from its first failing check to its first success.

Automatic incidents (`kind: auto`, `server_id` set) are opened, escalated and resolved only by
the transaction that changes the server's status (monitoring/incidents.py), so the two never
disagree. At most one automatic incident per server is open: a partial unique index holds that
even when two workers record the same transition at once. Manual incidents (`kind: manual`,
announcements) have no `server_id`; the servers they concern are in `incident_servers`.
"""

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime, utcnow

OPEN_ONLY = text("state = 'open'")

incident_servers = Table(
    "incident_servers",
    db.metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("server_id", ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Incident(db.Model):
    __tablename__ = "incidents"
    __table_args__ = (
        Index(
            "uq_incidents_open_server",
            "server_id",
            unique=True,
            postgresql_where=OPEN_ONLY,
            sqlite_where=OPEN_ONLY,
        ),
        Index("ix_incidents_server_started", "server_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(6), default="auto")  # auto | manual
    server_id: Mapped[int | None] = mapped_column(ForeignKey("servers.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(10))  # degraded | down: the worst seen
    state: Mapped[str] = mapped_column(String(8), default="open")  # open | resolved
    current_status: Mapped[str] = mapped_column(String(12))
    cause: Mapped[str] = mapped_column(String(500), default="")
    cause_category: Mapped[str] = mapped_column(String(20), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the episode's first failing check
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the status changed
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    ack_note: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=False)
    status_pages: Mapped[list] = mapped_column(JSON, default=list)  # manual: page ids
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    acknowledged_by = relationship("User", foreign_keys=[acknowledged_by_id], lazy="joined")
    servers = relationship("Server", secondary=incident_servers, order_by="Server.id")
    updates = relationship(
        "IncidentUpdate",
        order_by="IncidentUpdate.created_at.desc(), IncidentUpdate.id.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def server_ids(self) -> list[int]:
        """Return the servers concerned: the one of an automatic incident, a manual one's list."""
        if self.server_id is not None:
            return [self.server_id]
        return [server.id for server in self.servers]
