"""Routes of the dashboard aggregates; every one is owner-scoped like the rest of the API."""

from flask.views import MethodView

from pulseguard.api.access import get_own_server
from pulseguard.api.history import blp
from pulseguard.api.history.buckets import response_times
from pulseguard.api.history.overview import overview_page, overview_select, summary
from pulseguard.api.history.schemas import (
    OverviewQuerySchema,
    OverviewRowSchema,
    ResponseTimesSchema,
    SummaryQuerySchema,
    SummarySchema,
    WindowQuerySchema,
)
from pulseguard.api.pagination import PAGE_OPTIONS


@blp.route("/overview/")
class Overview(MethodView):
    @blp.arguments(OverviewQuerySchema, location="query")
    @blp.response(200, OverviewRowSchema(many=True))
    @blp.paginate(**PAGE_OPTIONS)
    def get(self, args, pagination_parameters):
        """List servers with their status and uptime. Filters: status (or paused), tag, q; sort."""
        return overview_page(overview_select(args), pagination_parameters)


@blp.route("/server-status/summary/")
class StatusSummary(MethodView):
    @blp.arguments(SummaryQuerySchema, location="query")
    @blp.response(200, SummarySchema)
    def get(self, args):
        """Count your servers per status (up, down, degraded, unknown, paused); list the tags."""
        return summary(args)


@blp.route("/servers/<int:server_id>/response-times/")
class ResponseTimes(MethodView):
    @blp.arguments(WindowQuerySchema, location="query")
    @blp.response(200, ResponseTimesSchema)
    @blp.alt_response(404, description="No such server (or not yours)")
    def get(self, args, server_id):
        """Bucketed response times and failures over the last 1h, 24h or 7d."""
        get_own_server(server_id)
        return response_times(server_id, args["window"])
