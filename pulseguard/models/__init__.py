"""The data model: one module per table."""

from pulseguard.models.notification_config import Channel, NotificationConfig
from pulseguard.models.notification_delivery import NotificationDelivery
from pulseguard.models.ping_result import CheckStatus, PingResult
from pulseguard.models.revoked_token import RevokedToken
from pulseguard.models.server import DEFAULT_PORTS, MonitoringState, Protocol, Server
from pulseguard.models.server_status import Health, ServerStatus
from pulseguard.models.status_change import StatusChange
from pulseguard.models.uptime_rollup import UptimeRollup
from pulseguard.models.user import User

__all__ = [
    "DEFAULT_PORTS",
    "Channel",
    "CheckStatus",
    "Health",
    "MonitoringState",
    "NotificationConfig",
    "NotificationDelivery",
    "PingResult",
    "Protocol",
    "RevokedToken",
    "Server",
    "ServerStatus",
    "StatusChange",
    "UptimeRollup",
    "User",
]
