"""Read-only aggregates for the dashboard: overview rows, status counts, response-time history."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "history",
    __name__,
    url_prefix="/api",
    description="Aggregated, read-only views for dashboards (overview, counts, charts)",
)

from pulseguard.api.history import routes  # noqa: E402,F401
