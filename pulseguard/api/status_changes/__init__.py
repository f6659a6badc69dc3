"""Read-only history of status transitions (up -> down, down -> up, ...)."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "status_changes",
    __name__,
    url_prefix="/api/status-changes",
    description="Status transitions per server (read-only)",
)

from pulseguard.api.status_changes import routes  # noqa: E402,F401
