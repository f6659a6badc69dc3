"""Read-only history of check results."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "ping_results",
    __name__,
    url_prefix="/api/ping-results",
    description="Check results (read-only)",
)

from pulseguard.api.ping_results import routes  # noqa: E402,F401
