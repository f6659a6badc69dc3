"""The one rule for "is this server monitored now": is it checked, and do its changes alert?

Everything asks here: the dispatcher and the check jobs, recording, reminders, the overview and
metrics, the API's "check now". Nothing restates the rule. Today it reads the monitoring state
its owner set (`active`, `paused` or `maintenance`); maintenance windows extend this module and
nothing else. Each question comes twice: as a SQL condition for queries over many servers, and
as a test of one loaded server (anything with a `monitoring_state`: a Server, a row, a dict).
"""

from sqlalchemy import ColumnElement

from pulseguard.models.server import Server
from pulseguard.states import MonitoringState


def checked_now() -> ColumnElement[bool]:
    """SQL condition: the server is checked now (its probes run, its results are recorded)."""
    return Server.monitoring_state == MonitoringState.ACTIVE


def alerting_now() -> ColumnElement[bool]:
    """SQL condition: the server's changes notify now (alerts, reminders)."""
    return Server.monitoring_state == MonitoringState.ACTIVE


def is_checked(server) -> bool:
    """Tell whether one server is checked now."""
    return _state(server) == MonitoringState.ACTIVE


def is_alerting(server) -> bool:
    """Tell whether one server's changes notify now."""
    return _state(server) == MonitoringState.ACTIVE


def _state(server) -> str:
    return server["monitoring_state"] if isinstance(server, dict) else server.monitoring_state
