"""Your API keys: create (shown once), list, rename, revoke. A JWT only: no key manages keys."""

from pulseguard.api.blueprint import Blueprint

blp = Blueprint(
    "api_keys",
    __name__,
    url_prefix="/api/auth/api-keys",
    description=(
        "API keys for scripts, CI and Prometheus: send `X-API-Key: pgk_...` or "
        "`Authorization: Bearer pgk_...` (never in a query string). Scopes: `read` (GET/HEAD, "
        "SSE, WebSocket, /metrics; answers omit push tokens and badge keys), `write` (implies "
        "read; every change), `push` (push URLs only), `admin` (admin routes, with read or write "
        "as the method needs; only admins may grant it). Every bad key gets 401 `Invalid or "
        "expired API key`; a missing scope 403. These routes need a JWT."
    ),
    people_only=True,
)

from pulseguard.api.api_keys import routes  # noqa: E402,F401
