"""What an incident's answers read from other tables: its first and last results, and how many
notifications it sent (API-NEXT §3 `first_result`, `last_result`, `notifications_sent`).

Read when an incident is answered (REST or a live `incident` event), never stored, so recording
a check writes nothing more for them. For an automatic incident the first result is the
server's first one at or after `started_at` (the episode's first failing check, or the check at
a window's end that opened it) and the last is its latest one up to `resolved_at` (the success
that resolved it, or the last check before the server was paused). Both are null for manual
incidents, and once retention pruned the result. `notifications_sent` counts the deliveries
about the incident that reached their channel (reminders and announcements included).
"""

from datetime import datetime

from sqlalchemy import and_, func, or_, select

from pulseguard.extensions import db
from pulseguard.models import Incident, NotificationDelivery, PingResult

EMPTY = {"first_result": None, "last_result": None, "notifications_sent": 0}


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def result_json(row) -> dict:
    """Return a PingResult an incident points at, in the fields and names of its REST answer
    (GET /api/ping-results/; less `details` and `assertions`)."""
    return {
        "id": row.id,
        "status": row.outcome,
        "response_time": row.response_time_ms,
        "status_code": row.status_code,
        "error_message": row.error_message,
        "check_timestamp": _time(row.checked_at),
        "kind": row.kind or "check",
        "in_maintenance": bool(row.in_maintenance),
    }


def facts_of(incidents) -> dict[int, dict]:
    """Return {incident id: its first_result, last_result and notifications_sent}."""
    incidents = [i for i in incidents if i.id is not None]
    if not incidents:
        return {}
    first = (
        select(PingResult.id)
        .where(PingResult.server_id == Incident.server_id)
        .where(PingResult.checked_at >= Incident.started_at)
        .order_by(PingResult.checked_at, PingResult.id)
        .limit(1)
        .correlate(Incident)
        .scalar_subquery()
    )
    last = (
        select(PingResult.id)
        .where(PingResult.server_id == Incident.server_id)
        .where(PingResult.checked_at >= Incident.started_at)
        .where(or_(Incident.resolved_at.is_(None), PingResult.checked_at <= Incident.resolved_at))
        .order_by(PingResult.checked_at.desc(), PingResult.id.desc())
        .limit(1)
        .correlate(Incident)
        .scalar_subquery()
    )
    sent = (
        select(func.count())
        .where(
            and_(
                NotificationDelivery.incident_id == Incident.id,
                NotificationDelivery.outcome == "sent",
            )
        )
        .correlate(Incident)
        .scalar_subquery()
    )
    ids = sorted({i.id for i in incidents})
    rows = db.session.execute(
        select(Incident.id, first, last, sent).where(Incident.id.in_(ids))
    ).all()
    wanted = {rid for _id, f, la, _n in rows for rid in (f, la) if rid is not None}
    results = {}
    if wanted:
        stmt = select(
            PingResult.id,
            PingResult.checked_at,
            PingResult.kind,
            PingResult.outcome,
            PingResult.status_code,
            PingResult.response_time_ms,
            PingResult.error_message,
            PingResult.in_maintenance,
        ).where(PingResult.id.in_(sorted(wanted)))
        results = {row.id: result_json(row) for row in db.session.execute(stmt)}
    return {
        iid: {
            "first_result": results.get(f) if f is not None else None,
            "last_result": results.get(la) if la is not None else None,
            "notifications_sent": int(n or 0),
        }
        for iid, f, la, n in rows
    }
