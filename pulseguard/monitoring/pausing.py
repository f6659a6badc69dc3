"""What pausing and resuming a server do to its incidents and status (API-NEXT §3).

Pausing resolves the server's open automatic incident with `end_reason: "paused"` (no one is
watching, so no reminder should keep coming and no incident should stay open for months), and
such an incident never reopens. Resuming starts the status afresh (`unknown`, no failures
counted), so a server still down when it is resumed opens a new incident and alerts at its first
check, as any unknown -> down does, instead of staying "down" with no incident.
"""

from datetime import datetime

from sqlalchemy import update

from pulseguard.extensions import db
from pulseguard.models import Incident, ServerStatus
from pulseguard.models.incident import OPEN_ONLY
from pulseguard.monitoring.incident_events import publish_incidents
from pulseguard.states import Health

RESUMED = "Resumed: not checked yet"
ENDED = "pausing.ended"  # the session's incidents resolved by a pause, published after commit


def end_incidents(server_id: int, at: datetime) -> None:
    """Resolve a paused server's open automatic incident (not committed; see publish_ended)."""
    table = Incident.__table__
    stmt = (
        update(table)
        .where(table.c.server_id == server_id, table.c.kind == "auto", OPEN_ONLY)
        .values(state="resolved", resolved_at=at, end_reason="paused", updated_at=at)
        .returning(table.c.id)
    )
    ended = list(db.session.connection().execute(stmt).scalars())
    db.session.info.setdefault(ENDED, []).extend(ended)


def publish_ended() -> None:
    """After the commit: publish the incidents that pauses resolved on the live streams."""
    ended = db.session.info.pop(ENDED, [])
    if ended:
        publish_incidents(ended)


def start_afresh(status: ServerStatus | None, at: datetime) -> None:
    """Reset a resumed server's status: unknown until its next check."""
    if status is None:
        return
    status.health, status.consecutive_failures = Health.UNKNOWN, 0
    status.message, status.changed_at = RESUMED, at
