"""Routes of /api/status-changes/: GET only."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required
from sqlalchemy import select

from pulseguard.api.access import get_visible, visible
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.api.status_changes import blp
from pulseguard.api.status_changes.schemas import StatusChangeQuerySchema, StatusChangeSchema
from pulseguard.models import Server, StatusChange


def filtered(args):
    stmt = select(StatusChange).join(Server, Server.id == StatusChange.server_id)
    if "server_id" in args:
        stmt = stmt.where(StatusChange.server_id.in_(args["server_id"]))
    if "new_status" in args:
        stmt = stmt.where(StatusChange.new_status == args["new_status"])
    if "since" in args:
        stmt = stmt.where(StatusChange.created_at >= args["since"])
    if "until" in args:
        stmt = stmt.where(StatusChange.created_at <= args["until"])
    return visible(stmt).order_by(StatusChange.created_at.desc(), StatusChange.id.desc())


@blp.route("/")
class StatusChanges(MethodView):
    decorators = [jwt_required()]

    @blp.arguments(StatusChangeQuerySchema, location="query")
    @blp.response(200, StatusChangeSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List status transitions, newest first. Filters: server_id=1,2, new_status, since."""
        return paginate(filtered(args), pagination_parameters)


@blp.route("/<int:change_id>/")
class StatusChangeById(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, StatusChangeSchema)
    @blp.alt_response(404, description="No such status change (or not yours)")
    def get(self, change_id):
        """Return one status transition."""
        return get_visible(StatusChange, change_id, "Status change")
