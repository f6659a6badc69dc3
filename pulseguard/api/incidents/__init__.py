"""Incidents: one per outage, acknowledged to silence reminders (API-NEXT §3)."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "incidents",
    __name__,
    url_prefix="/api",
    description="Incidents: one per outage, from the first failing check to the first success",
)

from pulseguard.api.incidents import routes, updates  # noqa: E402,F401
