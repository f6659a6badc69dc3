"""A PingResult and a ServerStatus as the REST API shows them: the data of live events.

Built by hand rather than with the API's marshmallow schemas: a worker publishes hundreds a second
and need not load the web layer to do it. tests/monitoring/test_record.py holds the two equal.
"""

from pulseguard.checks.certificate import cert_json


def _time(value):
    return None if value is None else value.isoformat()


def _float(value):
    return None if value is None else float(value)


def ping_json(ping: dict) -> dict:
    """The JSON of a PingResult (PingResultSchema)."""
    return {
        "id": ping["id"],
        "server": ping["server_id"],
        "status": ping["outcome"],
        "response_time": _float(ping["response_time_ms"]),
        "status_code": ping["status_code"],
        "error_message": ping["error_message"],
        "check_timestamp": _time(ping["checked_at"]),
        "kind": ping["kind"] or "check",
        "in_maintenance": bool(ping["in_maintenance"]),
        "details": ping["details"],
        "assertions": ping["assertions"],
    }


def status_json(status: dict) -> dict:
    """The JSON of a ServerStatus with its uptime figures (ServerStatusSchema)."""
    return {
        "id": status["id"],
        "server": status["server_id"],
        "status": "maintenance" if status.get("maintenance_since") else status["health"],
        "measured_status": status["health"],
        "uptime_percentage": _float(status["uptime_percentage"]),
        "uptime": {window: _float(pct) for window, pct in status["uptime"].items()},
        "avg_response_time": _float(status["avg_response_time"]),
        "last_response_time": _float(status["last_response_time_ms"]),
        "last_check": _time(status["last_check_at"]),
        "consecutive_failures": status["consecutive_failures"],
        "message": status["message"],
        "changed_at": _time(status["changed_at"]),
        "since": _time(status["changed_at"]),
        "updated_at": _time(status["updated_at"]),
        "cert": cert_json(status.get("cert")),
    }
