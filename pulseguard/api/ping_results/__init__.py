"""Read-only history of check results."""

from flask_smorest import Blueprint

blp = Blueprint(
    "ping_results",
    __name__,
    url_prefix="/api/ping-results",
    description="Check results (read-only)",
)

from pulseguard.api.ping_results import routes  # noqa: E402,F401
