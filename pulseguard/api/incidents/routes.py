"""Routes of /api/incidents/ and /api/servers/<id>/incidents/."""

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy import select, update

from pulseguard.api.access import get_own_server, visible
from pulseguard.api.incidents import blp
from pulseguard.api.incidents.schemas import AckSchema, IncidentQuerySchema, IncidentSchema
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.extensions import db
from pulseguard.models import Incident, NotificationConfig, Server
from pulseguard.models.types import utcnow
from pulseguard.security import current_user
from pulseguard.sql import like_escape

NOT_FOUND = {"description": "No such incident (or not yours)"}


def filtered(args):
    stmt = select(Incident).join(Server, Server.id == Incident.server_id)
    if "server_id" in args:
        stmt = stmt.where(Incident.server_id.in_(args["server_id"]))
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
    return visible(stmt).order_by(Incident.started_at.desc(), Incident.id.desc())


def get_own_incident(incident_id):
    """Return an incident of a server the caller may see, or 404."""
    stmt = select(Incident).join(Server, Server.id == Incident.server_id)
    incident = db.session.scalar(visible(stmt.where(Incident.id == incident_id)))
    if incident is None:
        abort(404, message=f"Incident {incident_id} not found.")
    return incident


@blp.route("/incidents/")
class Incidents(MethodView):
    @blp.arguments(IncidentQuerySchema, location="query")
    @blp.response(200, IncidentSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List incidents, newest first. Filters: server_id, state, severity, kind, acknowledged,
        since, until, q (title contains)."""
        return paginate(filtered(args), pagination_parameters)


@blp.route("/incidents/<int:incident_id>/")
class IncidentById(MethodView):
    @blp.response(200, IncidentSchema)
    @blp.alt_response(404, **NOT_FOUND)
    def get(self, incident_id):
        """Return an incident."""
        return get_own_incident(incident_id)


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
            db.session.execute(
                update(Incident)
                .where(Incident.id == incident.id, Incident.acknowledged_at.is_(None))
                .values(
                    acknowledged_at=utcnow(),
                    acknowledged_by_id=current_user().id,
                    ack_note=data.get("note", ""),
                )
            )
            db.session.commit()
            db.session.refresh(incident)
        return incident

    @blp.response(204)
    @blp.alt_response(404, **NOT_FOUND)
    def delete(self, incident_id):
        """Take an acknowledgement back: reminders start again from now."""
        incident = get_own_incident(incident_id)
        incident.acknowledged_at = incident.acknowledged_by_id = None
        incident.ack_note = ""
        db.session.execute(
            update(NotificationConfig)
            .where(NotificationConfig.server_id == incident.server_id)
            .values(reminded_at=utcnow())
        )
        db.session.commit()


@blp.route("/servers/<int:server_id>/incidents/", methods=["GET"])
@blp.arguments(IncidentQuerySchema, location="query")
@blp.response(200, IncidentSchema(many=True))
@blp.paginate(**PAGE_OPTIONS)
@blp.alt_response(404, description="No such server (or not yours)")
def server_incidents(args, pagination_parameters, server_id):
    """List one server's incidents, newest first (the same filters)."""
    get_own_server(server_id)
    return paginate(filtered(args | {"server_id": [server_id]}), pagination_parameters)
