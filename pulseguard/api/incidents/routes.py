"""Routes of /api/incidents/ and /api/servers/<id>/incidents/."""

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import update

from pulseguard.api.access import get_own_server
from pulseguard.api.incidents import blp, manual
from pulseguard.api.incidents.access import concerning, get_own_incident, visible_incidents
from pulseguard.api.incidents.schemas import (
    AckSchema,
    IncidentDetailSchema,
    IncidentPatchSchema,
    IncidentQuerySchema,
    IncidentSchema,
    ManualIncidentSchema,
)
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.extensions import db
from pulseguard.models import Incident, NotificationConfig
from pulseguard.models.types import utcnow
from pulseguard.monitoring.incident_events import publish_incidents
from pulseguard.notify.incident_update import announce_update
from pulseguard.security import current_user
from pulseguard.sql import like_escape

NOT_FOUND = {"description": "No such incident (or not yours)"}


def filtered(args):
    stmt = visible_incidents()
    if "server_id" in args:
        stmt = concerning(stmt, args["server_id"])
    for name in ("state", "severity", "kind"):
        if name in args:
            stmt = stmt.where(getattr(Incident, name) == args[name])
    if "acknowledged" in args:
        acked = Incident.acknowledged_at.is_not(None)
        stmt = stmt.where(acked if args["acknowledged"] else ~acked)
    if "since" in args:
        stmt = stmt.where(Incident.started_at >= args["since"])
    if "until" in args:
        stmt = stmt.where(Incident.started_at <= args["until"])
    if "q" in args:
        stmt = stmt.where(Incident.title.ilike(f"%{like_escape(args['q'])}%", escape="\\"))
    return stmt.order_by(Incident.started_at.desc(), Incident.id.desc())


def committed(incident):
    """Commit, clear the pages showing it, publish it on the live streams; return it fresh."""
    shown = manual.shown_on(incident)
    db.session.commit()
    manual.clear_pages(shown)
    publish_incidents([incident.id])
    return get_own_incident(incident.id)


@blp.route("/incidents/")
class Incidents(MethodView):
    @blp.arguments(IncidentQuerySchema, location="query")
    @blp.response(200, IncidentSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List incidents, newest first. Filters: server_id, state, severity, kind, acknowledged,
        since, until, q (title contains)."""
        return paginate(filtered(args), pagination_parameters)

    @blp.arguments(ManualIncidentSchema)
    @blp.response(201, IncidentDetailSchema)
    def post(self, data):
        """Open a manual incident (an announcement); `message` adds its first update."""
        incident = manual.create(data)
        first = list(incident.updates)
        opened = committed(incident)
        for note in first:
            announce_update(opened, note)
        return opened


@blp.route("/incidents/<int:incident_id>/")
class IncidentById(MethodView):
    @blp.response(200, IncidentDetailSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, incident_id):
        """Return an incident with its updates (newest first)."""
        return get_own_incident(incident_id)

    @blp.arguments(IncidentPatchSchema)
    @blp.response(200, IncidentDetailSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def patch(self, data, incident_id):
        """Change title and public; on manual incidents also severity, servers, status_pages
        (on automatic ones those get 422 "Set by the checks.")."""
        incident = get_own_incident(incident_id)
        manual.change(incident, data)
        return committed(incident)

    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(405, description="An automatic incident: it is history")
    def delete(self, incident_id):
        """Delete a manual incident (automatic ones are history: 405)."""
        incident = get_own_incident(incident_id)
        if incident.kind == "auto":
            abort(405, message="Automatic incidents are history: they cannot be deleted.")
        shown = manual.shown_on(incident)
        db.session.delete(incident)
        db.session.commit()
        manual.clear_pages(shown)


@blp.route("/incidents/<int:incident_id>/resolve/", methods=["POST"])
@blp.response(200, IncidentDetailSchema)
@blp.alt_response(404, **NOT_FOUND)
@blp.alt_response(409, description="Automatic (resolves when the server recovers), or resolved")
def resolve_incident(incident_id):
    """Resolve a manual incident now."""
    incident = get_own_incident(incident_id)
    manual.resolve(incident)
    return committed(incident)


@blp.route("/incidents/<int:incident_id>/ack/")
class IncidentAck(MethodView):
    @blp.arguments(AckSchema, required=False)
    @blp.response(200, IncidentSchema)
    @blp.alt_response(404, **NOT_FOUND)
    @blp.alt_response(409, description="The incident is resolved")
    def post(self, data, incident_id):
        """Acknowledge an open incident: its reminders stop. A second ack keeps the first."""
        incident = get_own_incident(incident_id)
        if incident.state != "open":
            abort(409, message="The incident is resolved.")
        if incident.acknowledged_at is None:
            claimed = db.session.execute(
                update(Incident)
                .where(Incident.id == incident.id, Incident.acknowledged_at.is_(None))
                .values(
                    acknowledged_at=utcnow(),
                    acknowledged_by_id=current_user().id,
                    ack_note=data.get("note", ""),
                )
            )
            db.session.commit()
            if claimed.rowcount:  # type: ignore[attr-defined]
                publish_incidents([incident.id])
            db.session.refresh(incident)
        return incident

    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    def delete(self, incident_id):
        """Take an acknowledgement back: reminders start again from now."""
        incident = get_own_incident(incident_id)
        incident.acknowledged_at = incident.acknowledged_by_id = None
        incident.ack_note = ""
        if incident.server_id is not None:
            db.session.execute(
                update(NotificationConfig)
                .where(NotificationConfig.server_id == incident.server_id)
                .values(reminded_at=utcnow())
            )
        db.session.commit()
        publish_incidents([incident.id])


@blp.route("/servers/<int:server_id>/incidents/", methods=["GET"])
@blp.arguments(IncidentQuerySchema, location="query")
@blp.response(200, IncidentSchema(many=True))
@blp.paginate(**PAGE_OPTIONS)
@blp.alt_response(404, description="No such server (or not yours)")
def server_incidents(args, pagination_parameters, server_id):
    """List one server's incidents (automatic and manual), newest first (the same filters)."""
    get_own_server(server_id)
    return paginate(filtered(args | {"server_id": [server_id]}), pagination_parameters)
