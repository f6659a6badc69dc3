"""Incidents as the REST API shows them, and the live `incident` events that carry them.

Built by hand (as payloads.py builds pings and statuses) so that a worker publishes them without
loading the web layer; tests/incidents/test_incident_live.py holds the event equal to
GET /api/incidents/<id>/ (less its `updates`).
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pulseguard import bus
from pulseguard.extensions import db
from pulseguard.models import Incident
from pulseguard.models.types import utcnow
from pulseguard.monitoring.incident_facts import EMPTY, facts_of


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def incident_json(incident: Incident, now: datetime | None = None, facts=None) -> dict:
    """Return the JSON of an Incident (IncidentSchema, without its updates).

    `facts`: its first_result, last_result and notifications_sent (incident_facts.facts_of).
    """
    now = now or utcnow()
    resolved = incident.resolved_at
    user = incident.acknowledged_by
    return {
        "id": incident.id,
        "kind": incident.kind,
        "server": incident.server_id,
        "servers": incident.server_ids,
        "title": incident.title,
        "severity": incident.severity,
        "state": incident.state,
        "current_status": incident.current_status,
        "cause": incident.cause,
        "cause_category": incident.cause_category,
        "started_at": _time(incident.started_at),
        "detected_at": _time(incident.detected_at),
        "resolved_at": _time(resolved),
        "end_reason": incident.end_reason,
        "duration_seconds": None
        if resolved is None
        else round((resolved - incident.started_at).total_seconds(), 3),
        "ongoing_seconds": None
        if resolved is not None
        else round((now - incident.started_at).total_seconds(), 3),
        "acknowledged_at": _time(incident.acknowledged_at),
        "acknowledged_by": None if user is None else {"id": user.id, "username": user.username},
        "ack_note": incident.ack_note,
        "public": incident.public,
        "status_pages": list(incident.status_pages or ()),
        "created_at": _time(incident.created_at),
        "updated_at": _time(incident.updated_at),
    } | (facts or EMPTY)


def incident_events(ids) -> list[dict]:
    """Return the live `incident` events of these incidents (a notice to each one's owner)."""
    if not ids:
        return []
    stmt = (
        select(Incident)
        .where(Incident.id.in_(sorted(set(ids))))
        .options(selectinload(Incident.servers))
        .order_by(Incident.id)
    )
    now = utcnow()
    incidents = list(db.session.scalars(stmt))
    facts = facts_of(incidents)
    return [
        {
            "type": "incident",
            "server_id": incident.server_id or 0,
            "owner_id": incident.owner_id,
            "id": 0,
            "data": incident_json(incident, now, facts.get(incident.id)),
        }
        for incident in incidents
    ]


def publish_incidents(ids) -> None:
    """Publish the current state of these incidents on the live streams (after their commit)."""
    events = incident_events(ids)
    db.session.commit()  # end the read transaction
    bus.publish(events)
