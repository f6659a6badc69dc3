"""Routes of /api/servers/."""

from flask.views import MethodView
from flask_smorest import abort
from sqlalchemy.orm import selectinload

from pulseguard import kinds, pagecache
from pulseguard.api.access import get_own_server, visible_servers
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.api.replace import replacing
from pulseguard.api.servers import blp
from pulseguard.api.servers.keys import assign_key
from pulseguard.api.servers.schemas import ServerQuerySchema, ServerSchema
from pulseguard.extensions import db
from pulseguard.models import Server, ServerStatus
from pulseguard.models.monitored import is_checked
from pulseguard.models.search import matching
from pulseguard.models.types import utcnow
from pulseguard.monitoring import pausing, timeline
from pulseguard.monitoring.maintenance import apply_windows
from pulseguard.security import current_user
from pulseguard.states import MonitoringState

# Editing any of these (or the kind's own settings) changes what is checked: checked again at once.
TARGET_FIELDS = {"protocol", "host", "port", "settings"}


def filtered(args):
    stmt = visible_servers().options(selectinload(Server.notifications))
    if "status" in args:
        stmt = stmt.where(Server.monitoring_state == args["status"])
    if "protocol" in args:
        stmt = stmt.where(Server.protocol == args["protocol"])
    return matching(stmt, args).order_by(Server.id)


def save(data):
    """Commit; a server's tags decide which maintenance windows cover it, so apply them now."""
    db.session.commit()
    pausing.publish_ended()
    if "tags" in data:
        apply_windows()


def apply(server, data):
    """Set fields from validated data, as the server's kind wants them; reschedule when needed."""
    old_kind = kinds.KINDS.get(server.protocol)
    old_state = _timeline_state(server)
    was_checked = server.monitoring_state is not None and is_checked(server)
    settings = data.get("settings") or {}
    if foreign := kinds.foreign_fields(data.get("protocol") or server.protocol, data, server):
        abort(422, errors={"json": foreign})
    for key, value in data.items():
        if key not in ("settings", "key"):
            setattr(server, key, value)
    assign_key(server, data.get("key"))
    kind = kinds.get(server.protocol)
    foreign = {block: [f"Not allowed for protocol '{kind.name}'."] for block in settings}
    foreign.pop(kind.block, None)
    if foreign:
        abort(422, errors={"json": foreign})
    if settings:  # a PATCH of some fields of a block keeps its other fields
        stored = server.settings or {}
        server.settings = stored | {b: (stored.get(b) or {}) | v for b, v in settings.items()}
    if "port" not in data and old_kind and server.port == old_kind.default_port:
        server.port = None
    if server.port is None:
        server.port = kind.default_port
    if kind.needs_host and not server.host:
        abort(422, errors={"json": {"host": ["Missing data for required field."]}})
    if kind is not old_kind and kind.unavailable and (why := kind.unavailable()):
        abort(422, errors={"json": {"protocol": [why]}})  # created as, or turned into, this kind
    errors = kind.check(server, data)
    if errors:
        abort(422, errors={"json": dict(errors)})
    edited = (TARGET_FIELDS | set(kind.columns)) & data.keys()
    if is_checked(server) and (not was_checked or edited):
        server.next_check_at = utcnow()
    if not is_checked(server):
        server.next_check_at = None
    new_state = _timeline_state(server)
    if server.id is not None and new_state != old_state:  # paused, resumed
        at = utcnow()
        if new_state == MonitoringState.PAUSED:
            pausing.end_incidents(server.id, at)
        elif old_state == MonitoringState.PAUSED:
            pausing.start_afresh(server.current_status, at)
            new_state = _timeline_state(server)
        move = timeline.Move(server.id, old_state, new_state, at, server.created_at or at)
        timeline.move(db.session.connection(), [move])


def _timeline_state(server):
    status = server.current_status
    return timeline.state_of(server.monitoring_state, status.health if status else None)


@blp.route("/")
class Servers(MethodView):
    @blp.arguments(ServerQuerySchema, location="query")
    @blp.response(200, ServerSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List the servers you can see. Filters: status, tag, q (name contains), protocol."""
        return paginate(filtered(args), pagination_parameters)

    @blp.arguments(ServerSchema)
    @blp.response(201, ServerSchema)
    def post(self, data):
        """Add a server to monitor; it is checked at once."""
        server = Server(owner_id=current_user().id, current_status=ServerStatus())
        apply(server, data)
        if is_checked(server):
            server.next_check_at = utcnow()
        db.session.add(server)
        save(data)
        return server


@blp.route("/<int:server_id>/")
class ServerById(MethodView):
    @blp.response(200, ServerSchema)
    @blp.alt_response(404, description="No such server (or not yours)")
    def get(self, server_id):
        """Return a server."""
        return get_own_server(server_id)

    @blp.arguments(replacing(ServerSchema))
    @blp.response(200, ServerSchema)
    @blp.alt_response(404, description="No such server (or not yours)")
    def put(self, data, server_id):
        """Replace a server's settings (omitted fields take their defaults).

        Read-only fields (`id`, `owner`, timestamps, ...) are accepted and ignored, so that
        the body of a GET can be sent back as it is.
        """
        server = get_own_server(server_id)
        apply(server, data)
        save(data)
        pagecache.clear_servers([server_id])  # its name or status may show on a page
        return server

    @blp.arguments(ServerSchema(partial=True))
    @blp.response(200, ServerSchema)
    @blp.alt_response(404, description="No such server (or not yours)")
    def patch(self, data, server_id):
        """Change some of a server's settings."""
        server = get_own_server(server_id)
        apply(server, data)
        save(data)
        pagecache.clear_servers([server_id])  # its name or status may show on a page
        return server

    @blp.response(204)
    @blp.alt_response(404, description="No such server (or not yours)")
    def delete(self, server_id):
        """Stop monitoring a server and delete its history."""
        db.session.delete(get_own_server(server_id))
        db.session.commit()
        pagecache.clear_servers([server_id])
