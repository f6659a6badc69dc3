"""The push (heartbeat) ping routes: public, found by the secret in the URL (API-NEXT §1.2)."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "push",
    __name__,
    url_prefix="/api/push",
    description="Heartbeat pings from cron jobs and scripts (no credential: the URL is the secret)",
    public=True,
)

from pulseguard.api.push import routes  # noqa: E402,F401
