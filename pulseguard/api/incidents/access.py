"""Which incidents the caller may see: their own (an incident has its owner); admins all."""

from flask_smorest import abort
from sqlalchemy import or_, select

from pulseguard.api.access import visible_owned, visible_server_ids
from pulseguard.extensions import db
from pulseguard.models import Incident, Server, StatusPage
from pulseguard.models.incident import incident_servers
from pulseguard.security import credential


def visible_incidents():
    """Return a select of the incidents the caller may see."""
    user = credential()
    stmt = select(Incident)
    return stmt if user.is_admin else stmt.where(Incident.owner_id == user.id)


def concerning(stmt, server_ids):
    """Restrict a select of incidents to those about one of these servers (auto or manual)."""
    linked = select(incident_servers.c.incident_id).where(
        incident_servers.c.server_id.in_(server_ids)
    )
    return stmt.where(or_(Incident.server_id.in_(server_ids), Incident.id.in_(linked)))


def get_own_incident(incident_id):
    """Return an incident the caller may see, or 404."""
    incident = db.session.scalar(visible_incidents().where(Incident.id == incident_id))
    if incident is None:
        abort(404, message=f"Incident {incident_id} not found.")
    return incident


def own_servers(ids):
    """Return the Server rows of these ids, or answer 422 `servers.<n>` for any not the caller's."""
    allowed = visible_server_ids(ids) if ids else set()
    unknown = {str(n): ["Unknown server."] for n, sid in enumerate(ids) if sid not in allowed}
    if unknown:
        abort(422, errors={"json": {"servers": unknown}})
    return list(db.session.scalars(select(Server).where(Server.id.in_(ids)))) if ids else []


def own_pages(ids):
    """Return the page ids, or answer 422 `status_pages.<n>` for any not the caller's."""
    found = set()
    if ids:
        stmt = visible_owned(select(StatusPage.id).where(StatusPage.id.in_(ids)), StatusPage)
        found = set(db.session.scalars(stmt))
    unknown = {str(n): ["Unknown status page."] for n, pid in enumerate(ids) if pid not in found}
    if unknown:
        abort(422, errors={"json": {"status_pages": unknown}})
    return list(dict.fromkeys(ids))
