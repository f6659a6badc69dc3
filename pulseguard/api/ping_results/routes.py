"""Routes of /api/ping-results/: GET only; other methods answer 405."""

from flask.views import MethodView

from pulseguard.api.access import get_visible, visible_history
from pulseguard.api.fields import MAX_BIG_ID
from pulseguard.api.pagination import PAGE_OPTIONS, paginate
from pulseguard.api.ping_results import blp
from pulseguard.api.ping_results.schemas import PingResultQuerySchema, PingResultSchema
from pulseguard.models import PingResult


def filtered(args):
    return visible_history(PingResult, PingResult.checked_at, args, equal=[("status", "outcome")])


@blp.route("/")
class PingResults(MethodView):
    @blp.arguments(PingResultQuerySchema, location="query")
    @blp.response(200, PingResultSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List check results, newest first. Filters: server_id=1,2, status, since, until."""
        return paginate(filtered(args), pagination_parameters)


@blp.route(f"/<int(max={MAX_BIG_ID}):result_id>/")
class PingResultById(MethodView):
    @blp.response(200, PingResultSchema)
    @blp.alt_response(404, description="No such result (or not yours)")
    def get(self, result_id):
        """Return one check result."""
        return get_visible(PingResult, result_id, "Ping result")
