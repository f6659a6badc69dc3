"""An update on an incident: a dated note with a status, public (status pages) or private."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime, utcnow

UPDATE_STATUSES = ("investigating", "identified", "monitoring", "update", "resolved")


class IncidentUpdate(db.Model):
    __tablename__ = "incident_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(13), default="update")
    public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", lazy="joined")


def public_updates(incident_ids) -> dict[int, list[IncidentUpdate]]:
    """Return {incident_id: its public updates, newest first}: all a status page may show."""
    found: dict[int, list[IncidentUpdate]] = {int(i): [] for i in incident_ids}
    if not found:
        return found
    stmt = (
        select(IncidentUpdate)
        .where(IncidentUpdate.incident_id.in_(sorted(found)), IncidentUpdate.public.is_(True))
        .order_by(IncidentUpdate.created_at.desc(), IncidentUpdate.id.desc())
    )
    for update in db.session.scalars(stmt):
        found[update.incident_id].append(update)
    return found
