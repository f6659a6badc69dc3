"""What a server's badges say (message, colour): status, uptime, response time, cert expiry."""

from datetime import timedelta

from sqlalchemy import func, select

from pulseguard.extensions import db
from pulseguard.models import UptimeRollup
from pulseguard.models.types import utcnow
from pulseguard.monitoring.bars import WINDOWS, timelines, uptime_of
from pulseguard.monitoring.timeline import state_of
from pulseguard.monitoring.uptime import hour_floor

STATUS_COLORS = {"up": "brightgreen", "degraded": "yellow", "down": "red",
                 "maintenance": "blue", "paused": "lightgrey", "unknown": "lightgrey"}  # fmt: skip
DEFAULT_SLOW_MS = 1000  # the response-time colours of a server without degraded_threshold_ms
METRICS = {"status": "status", "cert-expiry": "cert expiry"}
METRICS |= {f"uptime-{w}": f"uptime {w}" for w in ("24h", "7d", "30d", "90d")}
METRICS |= {f"response-time-{w}": f"response time {w}" for w in ("24h", "7d", "30d")}


def status(server) -> tuple[str, str]:
    health = server.current_status.health if server.current_status else None
    state = state_of(server.monitoring_state, health)
    return state, STATUS_COLORS.get(state, "lightgrey")


def uptime(server, window: str) -> tuple[str, str]:
    now = utcnow()
    line = timelines([server.id], (now - WINDOWS[window]).date())[server.id]
    pct = uptime_of(line, now, (window,))[window]
    if pct is None:
        return "unknown", "lightgrey"
    color = ("brightgreen" if pct >= 99.9 else "yellowgreen" if pct >= 99
             else "yellow" if pct >= 95 else "red")  # fmt: skip
    return f"{pct:.2f}%", color


def response_time(server, window: str) -> tuple[str, str]:
    start = hour_floor(utcnow() - WINDOWS[window])
    total, count = db.session.execute(
        select(
            func.sum(UptimeRollup.response_time_sum_ms), func.sum(UptimeRollup.response_count)
        ).where(UptimeRollup.server_id == server.id, UptimeRollup.hour_start >= start)
    ).one()
    if not count:
        return "unknown", "lightgrey"
    average = total / count
    slow = server.degraded_threshold_ms or DEFAULT_SLOW_MS
    color = "brightgreen" if average <= slow else "yellow" if average <= 2 * slow else "red"
    return f"{average:.0f} ms", color


def cert_expiry(server) -> tuple[str, str]:
    if server.protocol != "https":
        return "n/a", "lightgrey"
    if server.tls_expires_at is None:
        return "unknown", "lightgrey"
    days = (server.tls_expires_at - utcnow()) // timedelta(days=1)
    color = "red" if days <= 7 else "yellow" if days <= 30 else "brightgreen"
    return f"{days} days", color


def figure(server, metric: str) -> tuple[str, str]:
    """Return (message, colour) of one badge metric (a key of METRICS)."""
    if metric == "status":
        return status(server)
    if metric == "cert-expiry":
        return cert_expiry(server)
    kind, window = metric.rsplit("-", 1)
    return uptime(server, window) if kind == "uptime" else response_time(server, window)
