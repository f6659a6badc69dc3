"""The push (heartbeat) ping routes: public, found by the secret in the URL (API-NEXT §1.2)."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "push",
    __name__,
    url_prefix="/api/push",
    description=(
        "Heartbeat pings from cron jobs and scripts: by token (the URL is the secret), or by "
        "server key with a `push` API key (`/k/<key>/<server_key>`, `/key/<server_key>`)"
    ),
    public=True,
)

from pulseguard.api.push import routes, slug_routes  # noqa: E402,F401
