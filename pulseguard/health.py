"""Liveness and readiness probes."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from pulseguard.checks import icmp
from pulseguard.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer 200 while the process is alive."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Answer 200 when the database (and Redis, when configured) answer; 503 otherwise."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        db.session.rollback()
        checks["database"] = f"error: {type(error).__name__}"
    if current_app.config.get("REDIS_URL"):
        from pulseguard.redis_client import redis_connection

        try:
            redis_connection().ping()
            checks["redis"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["redis"] = f"error: {type(error).__name__}"
    failed = sorted(name for name, state in checks.items() if state != "ok")
    body = {"status": "ok" if not failed else "unavailable", "checks": checks}
    # Not a reason to be unready (most servers need no ICMP), but said where operators look.
    body["icmp"] = icmp.capability(icmp.setting_of(current_app.config))
    if checks.get("redis") == "ok":  # and what the live check workers said (capabilities.py)
        from pulseguard.capabilities import live_icmp

        try:
            body["icmp"]["workers"] = live_icmp(redis_connection())
        except Exception:  # noqa: BLE001
            pass
    if failed:
        body.update(code=503, message=f"Not ready: {', '.join(failed)} not answering.")
    return jsonify(body), 503 if failed else 200
