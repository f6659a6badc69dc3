"""The words PulseGuard's states are written in: one StrEnum per kind of state.

Three different things are called "status" in the API; in Python each has its own name:
- `Server.monitoring_state` (API `status` of a server): is it monitored at all? `MonitoringState`.
- `ServerStatus.health` (API `status` of a server-status): what the checks say. `Health`.
- `PingResult.outcome` (API `status` of a ping-result): how one check ended. `CheckOutcome`.
Plain Python with no imports, so that every layer (the check engine included) can use it.
"""

from enum import StrEnum


class MonitoringState(StrEnum):
    """Whether a server is monitored: chosen by its owner."""

    ACTIVE = "active"
    PAUSED = "paused"
    MAINTENANCE = "maintenance"


class Health(StrEnum):
    """A server's current health, from its checks."""

    UP = "up"
    DOWN = "down"
    DEGRADED = "degraded"
    UNKNOWN = "unknown"


class CheckOutcome(StrEnum):
    """How one check ended: passed every assertion, answered wrongly, too slow, or no answer."""

    SUCCESS = "success"
    FAILURE = "failure"
    TIMEOUT = "timeout"
    ERROR = "error"
