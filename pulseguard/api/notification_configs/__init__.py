"""CRUD of notification configs."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "notification_configs",
    __name__,
    url_prefix="/api/notification-configs",
    description="Who is told, and how, when a server goes down or comes back",
)

from pulseguard.api.notification_configs import routes  # noqa: E402,F401
