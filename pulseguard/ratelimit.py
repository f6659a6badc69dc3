"""Rate limits on sign-in, token and public routes (flask-limiter), answered as 429 JSON.

One Limiter per app (tests build several apps with different limits). Counters live in Redis when
REDIS_URL is set, so every web process shares them; if Redis stops answering, each process falls
back to counting in memory rather than refusing sign-ins.
"""

import logging
import time

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

log = logging.getLogger(__name__)

# endpoint -> the config key holding its limits
LIMITED = {
    "auth.token": "RATE_LIMIT_LOGIN",
    "auth.register": "RATE_LIMIT_LOGIN",
    "auth.change_password": "RATE_LIMIT_LOGIN",
    "auth.refresh": "RATE_LIMIT_TOKEN",
    "auth.verify": "RATE_LIMIT_TOKEN",
}
# Public routes share one budget per client address (RATE_LIMIT_PUBLIC): status pages, badges.
PUBLIC_PREFIXES = ("public_pages.", "status_html.")


def limits_of(config_key):
    """Return a callable that reads the limits at request time (so tests can lower them)."""
    return lambda: current_app.config[config_key]


def message():
    return "Too many attempts; wait a little and try again (see Retry-After)."


def api_key_retry_after(key_id: str) -> int | None:
    """Count a request of an API key; return the seconds to wait when it is over
    API_KEY_RATE_LIMIT, else None (also when limits are off or their storage fails)."""
    return retry_after("API_KEY_RATE_LIMIT", "api-key", key_id)


def retry_after(config_key: str, *identity: str) -> int | None:
    """Count a request of an identity against the limits in a config key; return the seconds
    to wait when it is over them, else None (also when limits are off or their storage fails)."""
    limiter = current_app.extensions.get("pulseguard_limiter")
    if limiter is None:
        return None
    identity = (current_app.config["RATELIMIT_KEY_PREFIX"], *identity)
    try:
        for item in parse_many(current_app.config[config_key]):
            if not limiter.limiter.hit(item, *identity):
                reset = limiter.limiter.get_window_stats(item, *identity).reset_time
                return max(1, int(reset - time.time()) + 1)
    except Exception:  # noqa: BLE001 - a limit store that fails never refuses a request
        log.warning("Could not count a request of %s", identity[1], exc_info=True)
    return None


def public_message():
    return "Too many requests; wait a little and try again (see Retry-After)."


def init_app(app):
    """Wrap the limited endpoints of an app whose routes are registered; no I/O here."""
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "pulseguard-ratelimit")
    if not app.config.get("RATELIMIT_ENABLED", True):
        return
    limiter = Limiter(get_remote_address)
    limiter.init_app(app)
    limited = set()
    for endpoint, config_key in LIMITED.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            wrapped = limiter.limit(limits_of(config_key), error_message=message)(view)
            app.view_functions[endpoint] = wrapped
            limited.add(endpoint)
    public = limiter.shared_limit(
        limits_of("RATE_LIMIT_PUBLIC"), scope="public", error_message=public_message
    )
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(PUBLIC_PREFIXES) and not endpoint.endswith(".static"):
            app.view_functions[endpoint] = public(view)
            limited.add(endpoint)
    # flask-limiter resolves limits on every request (7 % of a web worker's CPU per push ping);
    # a route with none of its limits skips that (the other limits count through retry_after).
    limiter.request_filter(lambda: request.endpoint not in limited)
    app.extensions["pulseguard_limiter"] = limiter
