"""Routes of /api/status-changes/: GET only."""

from flask.views import MethodView

from pulseguard.api.access import get_visible, visible_history
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.api.status_changes import blp
from pulseguard.api.status_changes.schemas import StatusChangeQuerySchema, StatusChangeSchema
from pulseguard.models import StatusChange


def filtered(args):
    return visible_history(StatusChange, StatusChange.created_at, args, equal=("new_status",))


@blp.route("/")
class StatusChanges(MethodView):
    @blp.arguments(StatusChangeQuerySchema, location="query")
    @blp.response(200, StatusChangeSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List status transitions, newest first. Filters: server_id=1,2, new_status, since."""
        return paginate(filtered(args), pagination_parameters)


@blp.route("/<int:change_id>/")
class StatusChangeById(MethodView):
    @blp.response(200, StatusChangeSchema)
    @blp.alt_response(404, description="No such status change (or not yours)")
    def get(self, change_id):
        """Return one status transition."""
        return get_visible(StatusChange, change_id, "Status change")
