"""Rate limits on sign-in and token routes (flask-limiter), answered as 429 in the one error shape.

One Limiter per app (tests build several apps with different limits). Counters live in Redis when
REDIS_URL is set, so every web process shares them; if Redis stops answering, each process falls
back to counting in memory rather than refusing sign-ins.
"""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# endpoint -> the config key holding its limits
LIMITED = {
    "auth.token": "RATE_LIMIT_LOGIN",
    "auth.register": "RATE_LIMIT_LOGIN",
    "auth.change_password": "RATE_LIMIT_LOGIN",
    "auth.refresh": "RATE_LIMIT_TOKEN",
    "auth.verify": "RATE_LIMIT_TOKEN",
}


def limits_of(config_key):
    """Return a callable that reads the limits at request time (so tests can lower them)."""
    return lambda: current_app.config[config_key]


def message():
    return "Too many attempts; wait a little and try again (see Retry-After)."


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
    for endpoint, config_key in LIMITED.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            wrapped = limiter.limit(limits_of(config_key), error_message=message)(view)
            app.view_functions[endpoint] = wrapped
    app.extensions["pulseguard_limiter"] = limiter
