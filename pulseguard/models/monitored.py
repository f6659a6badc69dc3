"""The one rule for "is this server monitored now": is it checked, and do its changes alert?

Everything asks here: the dispatcher and the check jobs, recording, reminders, the overview and
metrics, the API's "check now". Nothing restates the rule. It reads the monitoring state its
owner set (`active`, `paused` or `maintenance`) and the maintenance windows covering the server
now (`Server.maintenance`: "" or "<checks>/<uptime>", kept by monitoring/maintenance.py): a
window with `checks: skip` stops the probes (a push job's own pings are still recorded: the
owner has the server active, `is_active`), any window stops the alerts (results are still
recorded, marked `in_maintenance`). Each question comes twice: as a SQL condition for queries
over many servers, and as a test of one loaded server (anything with `monitoring_state` and
`maintenance`: a Server, a row, a dict).
"""

from sqlalchemy import ColumnElement, and_, or_

from pulseguard.models.server import Server
from pulseguard.states import MonitoringState

SKIP = "skip/"  # the prefix of Server.maintenance while a `checks: skip` window covers it


def active_now() -> ColumnElement[bool]:
    """SQL condition: the owner has the server active, whatever windows cover it now."""
    return Server.monitoring_state == MonitoringState.ACTIVE


def checked_now() -> ColumnElement[bool]:
    """SQL condition: the server is checked now (its probes run, its results are recorded)."""
    return and_(active_now(), ~Server.maintenance.startswith(SKIP, autoescape=True))


def alerting_now() -> ColumnElement[bool]:
    """SQL condition: the server's changes notify now (alerts, reminders, incidents)."""
    return and_(active_now(), Server.maintenance == "")


def in_maintenance_now() -> ColumnElement[bool]:
    """SQL condition: a window covers the server now, or its owner set it to `maintenance`."""
    return or_(Server.maintenance != "", Server.monitoring_state == MonitoringState.MAINTENANCE)


def is_active(server) -> bool:
    """Tell whether the owner has the server active, whatever windows cover it now.

    A push job's own pings are recorded then, even under a `checks: skip` window (API-NEXT
    §2: "no probes; push pings are still stored"): skip stops PulseGuard's probes and the
    missed-deadline verdicts, not what the job itself reports.
    """
    return _get(server, "monitoring_state") == MonitoringState.ACTIVE


def is_checked(server) -> bool:
    """Tell whether one server is checked now."""
    return is_active(server) and not _window(server).startswith(SKIP)


def is_alerting(server) -> bool:
    """Tell whether one server's changes notify now."""
    return is_active(server) and not _window(server)


def in_window(server) -> bool:
    """Tell whether a maintenance window covers the server now."""
    return bool(_window(server))


def is_in_maintenance(server) -> bool:
    """Tell whether one server is in maintenance now (a window, or the manual state)."""
    return in_window(server) or _get(server, "monitoring_state") == MonitoringState.MAINTENANCE


def window_uptime(server) -> str | None:
    """Return how uptime counts the server's results now (exclude|count_as_up|measure), or None."""
    mode = _window(server)
    return mode.split("/", 1)[1] if mode else None


def _window(server) -> str:
    return _get(server, "maintenance") or ""


def _get(server, name):
    return server.get(name) if isinstance(server, dict) else getattr(server, name, None)
