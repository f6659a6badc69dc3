"""Manual incidents (announcements): created, edited, resolved and deleted by people."""

from flask_smorest import abort

from pulseguard import pagecache
from pulseguard.api.incidents.access import own_pages, own_servers
from pulseguard.extensions import db
from pulseguard.models import Incident, IncidentUpdate
from pulseguard.models.types import utcnow
from pulseguard.security import current_user

AUTO_ONLY_CHECKS = ("severity", "servers", "status_pages")
AUTO_RESOLVES = "Resolves automatically when the server recovers."


def create(data) -> Incident:
    """Add a manual incident (and its first update when a message is given); not committed."""
    now = utcnow()
    incident = Incident(
        kind="manual",
        owner_id=current_user().id,
        title=data["title"],
        severity=data["severity"],
        state="open",
        current_status=data["severity"],
        cause="",
        cause_category="",
        started_at=now,
        detected_at=now,
        ack_note="",
        public=data["public"],
        status_pages=own_pages(data["status_pages"]),
        created_at=now,
        updated_at=now,
    )
    incident.servers = own_servers(data["servers"])
    db.session.add(incident)
    if "message" in data:
        add_update(
            incident,
            {"message": data["message"], "status": data["status"], "public": data["public"]},
        )
    return incident


def change(incident: Incident, data) -> None:
    """Apply a PATCH: title and public on any incident; severity, servers, pages on manual ones."""
    if incident.kind == "auto":
        refused = {name: ["Set by the checks."] for name in AUTO_ONLY_CHECKS if name in data}
        if refused:
            abort(422, errors={"json": refused})
    if "servers" in data:
        incident.servers = own_servers(data.pop("servers"))
    if "status_pages" in data:
        incident.status_pages = own_pages(data.pop("status_pages"))
    if "severity" in data and incident.state == "open":
        incident.current_status = data["severity"]
    for name, value in data.items():
        setattr(incident, name, value)
    incident.updated_at = utcnow()


def resolve(incident: Incident) -> None:
    """Resolve a manual incident now; 409 for an automatic one or one resolved already."""
    if incident.kind == "auto":
        abort(409, message=AUTO_RESOLVES)
    if incident.state != "open":
        abort(409, message="The incident is resolved already.")
    now = utcnow()
    incident.state, incident.resolved_at, incident.current_status = "resolved", now, "up"
    incident.updated_at = now


def add_update(incident: Incident, data) -> IncidentUpdate:
    """Add an update: a public one makes its incident public; `resolved` resolves a manual one."""
    if data["status"] == "resolved" and incident.state == "open":
        resolve(incident)  # an automatic incident still open: 409
    if data["public"]:
        incident.public = True
    update = IncidentUpdate(
        message=data["message"],
        status=data["status"],
        public=data["public"],
        author_id=current_user().id,
        created_at=utcnow(),
    )
    incident.updates.append(update)
    incident.updated_at = update.created_at
    return update


def shown_on(incident: Incident) -> tuple[list[int], int | None]:
    """Return what to clear once a change to the incident is committed: its servers' pages, and
    for a manual one its owner's (the pages it names in `status_pages`, before and after an
    edit, and those of servers an edit took off it)."""
    return incident.server_ids, incident.owner_id if incident.kind == "manual" else None


def clear_pages(shown: tuple[list[int], int | None]) -> None:
    """Clear the cached public pages an incident shows on (shown_on, read before the commit)."""
    servers, owner_id = shown
    pagecache.clear_servers(servers)
    if owner_id is not None:
        pagecache.clear_owners([owner_id])
