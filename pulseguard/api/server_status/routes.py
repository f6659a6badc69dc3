"""Routes of /api/server-status/: GET only."""

from flask.views import MethodView
from marshmallow import Schema
from sqlalchemy import select

from pulseguard.api.access import get_visible, visible
from pulseguard.api.fields import Choice
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.api.server_status import blp
from pulseguard.api.server_status.schemas import ServerStatusQuerySchema, ServerStatusSchema
from pulseguard.models import Server, ServerStatus
from pulseguard.monitoring.uptime import WINDOWS, with_uptime


class WindowSchema(Schema):
    window = Choice(WINDOWS, load_default="24h")


def filtered(args):
    stmt = select(ServerStatus).join(Server, Server.id == ServerStatus.server_id)
    if "status" in args:
        stmt = stmt.where(ServerStatus.health == args["status"])
    if "server_id" in args:
        stmt = stmt.where(ServerStatus.server_id.in_(args["server_id"]))
    return visible(stmt).order_by(ServerStatus.server_id)


@blp.route("/")
class ServerStatuses(MethodView):
    @blp.arguments(ServerStatusQuerySchema, location="query")
    @blp.response(200, ServerStatusSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List current statuses. Filters: status, server_id=1,2; window=24h|7d|30d."""
        return with_uptime(paginate(filtered(args), pagination_parameters), args["window"])


@blp.route("/<int:status_id>/")
class ServerStatusById(MethodView):
    @blp.arguments(WindowSchema, location="query")
    @blp.response(200, ServerStatusSchema)
    @blp.alt_response(404, description="No such status (or not yours)")
    def get(self, args, status_id):
        """Return one server's current status."""
        status = get_visible(ServerStatus, status_id, "Server status")
        return with_uptime([status], args["window"])[0]
