"""Read-only history of notification delivery attempts."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "notification_deliveries",
    __name__,
    url_prefix="/api/notification-deliveries",
    description="Every attempt to deliver a notification (read-only)",
)

from pulseguard.api.notification_deliveries import routes  # noqa: E402,F401
