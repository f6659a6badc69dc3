"""The data model: one module per table."""

from pulseguard.models.api_key import ApiKey
from pulseguard.models.cert_event import CertEvent
from pulseguard.models.config_lease import ConfigLease
from pulseguard.models.incident import Incident
from pulseguard.models.incident_update import IncidentUpdate
from pulseguard.models.maintenance_window import MaintenanceWindow
from pulseguard.models.notification_config import Channel, NotificationConfig
from pulseguard.models.notification_delivery import NotificationDelivery
from pulseguard.models.ping_result import PingResult
from pulseguard.models.push_monitor import PushMonitor
from pulseguard.models.revoked_token import RevokedToken
from pulseguard.models.server import Server
from pulseguard.models.server_status import ServerStatus
from pulseguard.models.state_day import StateDay
from pulseguard.models.state_span import StateSpan
from pulseguard.models.status_change import StatusChange
from pulseguard.models.status_page import StatusPage
from pulseguard.models.uptime_rollup import UptimeRollup
from pulseguard.models.user import User
from pulseguard.states import CheckOutcome, Health, MonitoringState

__all__ = [
    "ApiKey",
    "CertEvent",
    "Channel",
    "CheckOutcome",
    "ConfigLease",
    "Health",
    "Incident",
    "IncidentUpdate",
    "MaintenanceWindow",
    "MonitoringState",
    "NotificationConfig",
    "NotificationDelivery",
    "PingResult",
    "PushMonitor",
    "RevokedToken",
    "Server",
    "ServerStatus",
    "StateDay",
    "StateSpan",
    "StatusChange",
    "StatusPage",
    "UptimeRollup",
    "User",
]
