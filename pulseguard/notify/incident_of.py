"""The incident a status change belongs to, as messages name it (API-NEXT §6, "incident").

Incidents are opened and resolved in the transaction that records the change
(monitoring/incidents.py), so the incident of a change is the server's earliest one not
resolved before the change (a recovery resolves it at the change's own time). Two workers
recording one outage may each see only their own failing check, so the incident's start can be
a moment after the other worker's change: a start up to SKEW later still counts.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Incident, StatusChange

SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    id: int
    started_at: datetime
    resolved_at: datetime | None

    def duration_s(self, now: datetime) -> float:
        """How long it lasted (so far, while it is open)."""
        return max(0.0, ((self.resolved_at or now) - self.started_at).total_seconds())


def incident_of(change: StatusChange) -> IncidentFacts | None:
    """Return the incident a change opened, escalated, or resolved; None for none."""
    row = db.session.execute(
        select(Incident.id, Incident.started_at, Incident.resolved_at)
        .where(
            Incident.server_id == change.server_id,
            Incident.started_at <= change.created_at + SKEW,
            Incident.resolved_at.is_(None) | (Incident.resolved_at >= change.created_at),
        )
        .order_by(Incident.id)
        .limit(1)
    ).first()
    return None if row is None else IncidentFacts(row.id, row.started_at, row.resolved_at)
