"""CRUD of monitored servers."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint("servers", __name__, url_prefix="/api/servers", description="Monitored servers")

from pulseguard.api.servers import badge_routes, push_token, routes, trial_routes  # noqa: E402,F401
