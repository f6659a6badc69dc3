"""Maintenance windows: planned work that is not an outage (API-NEXT §2)."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "maintenance_windows",
    __name__,
    url_prefix="/api",
    description="Maintenance windows: planned work, on a schedule, that sends no false alarms",
)

from pulseguard.api.maintenance_windows import preview, routes  # noqa: E402,F401
