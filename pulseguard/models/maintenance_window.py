"""A maintenance window: planned work on some servers, on a schedule (API-NEXT §2).

The window stores its schedule's spec, never its occurrences: `current` and `upcoming` evaluate
the schedule (pulseguard/schedules) when asked. `start/` and `stop/` add an ad-hoc occurrence
(`adhoc_start`..`adhoc_end`, open-ended for a manual window) or end the one in force
(`stopped_at`: a scheduled occurrence that began before it is over).
"""

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pulseguard import schedules
from pulseguard.extensions import db
from pulseguard.models.server_key import default_key
from pulseguard.models.types import UTCDateTime, utcnow

window_servers = Table(
    "maintenance_window_servers",
    db.metadata,
    Column(
        "window_id",
        ForeignKey("maintenance_windows.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("server_id", ForeignKey("servers.id", ondelete="CASCADE"), primary_key=True, index=True),
)

Occurrence = tuple[datetime, datetime | None]


class MaintenanceWindow(db.Model):
    __tablename__ = "maintenance_windows"
    __table_args__ = (UniqueConstraint("owner_id", "key", name="uq_maintenance_windows_owner_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Stable per owner: config as code matches windows by it.
    key: Mapped[str] = mapped_column(String(100), default=default_key)
    description: Mapped[str] = mapped_column(Text, default="")
    schedule: Mapped[dict] = mapped_column(JSON)  # a schedules spec, normalised
    tags: Mapped[list] = mapped_column(JSON, default=list)
    tag_match: Mapped[str] = mapped_column(String(3), default="any")  # any | all
    all_servers: Mapped[bool] = mapped_column(default=False)
    checks: Mapped[str] = mapped_column(String(4), default="run")  # run | skip
    uptime: Mapped[str] = mapped_column(
        String(11), default="exclude"
    )  # exclude|count_as_up|measure
    notify_start_end: Mapped[bool] = mapped_column(default=False)
    status_pages: Mapped[list] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)
    adhoc_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adhoc_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The start of the occurrence the sweep last put in force (None: not in force).
    active_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    servers = relationship("Server", secondary=window_servers, order_by="Server.id")
    owner = relationship("User", lazy="joined")

    @property
    def server_ids(self) -> list[int]:
        return [server.id for server in self.servers]

    def covers(self, server) -> bool:
        """Tell whether the window targets a server (anything with id, owner_id and tags).

        Tags and all_servers reach the servers the window's owner may see; they are read from
        the server as it is now, so a server tagged during a window is covered at once.
        """
        if server.id is not None and server.id in self.server_ids:
            return True
        if not (self.owner.is_admin or server.owner_id == self.owner_id):
            return False
        if self.all_servers:
            return True
        if not self.tags:
            return False
        tags = set(server.tags or ())
        wanted = set(self.tags)
        return wanted <= tags if self.tag_match == "all" else bool(wanted & tags)

    @property
    def parsed(self) -> schedules.Schedule:
        """The schedule, parsed (without the checks that only apply when it is saved)."""
        cached = self.__dict__.get("_parsed")
        if cached is None or cached[0] != self.schedule:
            cached = (self.schedule, schedules.parse(self.schedule, validate=False))
            self.__dict__["_parsed"] = cached
        return cached[1]

    def current(self, now: datetime | None = None) -> Occurrence | None:
        """Return the occurrence in force at now (end None: until stopped), or None."""
        now = now or utcnow()
        if not self.enabled:
            return None
        if self.adhoc_start and self.adhoc_start <= now:
            if self.adhoc_end is None or now < self.adhoc_end:
                return self.adhoc_start, self.adhoc_end
        held = self.parsed.current(now)
        if held and (self.stopped_at is None or self.stopped_at < held[0]):
            return held
        return None

    def held_until(self, now: datetime) -> tuple[Occurrence | None, datetime | None]:
        """Return current(now) and the first moment after now at which it can change (None:
        not by time alone). Until then current() answers the same while the window is unedited.
        """
        held = self.current(now)
        moments = [m for m in (self.adhoc_start, self.adhoc_end) if m is not None and m > now]
        if held is not None and held[1] is not None:
            moments.append(held[1])
        if self.enabled:
            scheduled = self.parsed.current(now)  # held or not (stopped, behind an ad-hoc one)
            if scheduled is not None:
                moments.append(scheduled[1])
            following = next(self.parsed.starts_after(now), None)
            if following is not None:
                moments.append(following)
        return held, min(moments, default=None)

    def upcoming(self, now: datetime | None = None, count: int = 10) -> list[Occurrence]:
        """Return the next occurrences that start after now."""
        now = now or utcnow()
        found: list[Occurrence] = list(self.parsed.upcoming(now, count))
        if self.adhoc_start and self.adhoc_start > now:
            found = sorted([(self.adhoc_start, self.adhoc_end), *found], key=lambda o: o[0])
        return found[:count]

    def start(self, now: datetime, end: datetime | None = None) -> None:
        """Open an ad-hoc occurrence now until end (by default the schedule's duration; a manual
        window, until stopped); one already in force is extended to end when end is given."""
        held = self.current(now)
        if held is None:
            duration = self.parsed.duration
            if end is None and duration is not None and self.schedule.get("type") != "once":
                end = now + duration
            self.adhoc_start, self.adhoc_end = now, end
        elif end is not None:
            self.adhoc_start, self.adhoc_end = held[0], end

    def stop(self, now: datetime) -> bool:
        """End the occurrence in force now; return False when none is."""
        if self.current(now) is None:
            return False
        self.stopped_at = now
        if self.adhoc_start and self.adhoc_start <= now:
            self.adhoc_end = now
        return True

    def state(self, now: datetime | None = None) -> str:
        """Return scheduled, active, ended or disabled."""
        now = now or utcnow()
        if not self.enabled:
            return "disabled"
        if self.current(now):
            return "active"
        if self.schedule.get("type") == "manual" or self.upcoming(now, 1):
            return "scheduled"
        return "ended"
