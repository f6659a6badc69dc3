"""Read-only current status of each server."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "server_status",
    __name__,
    url_prefix="/api/server-status",
    description="Current status and uptime per server (read-only)",
)

from pulseguard.api.server_status import routes  # noqa: E402,F401
