"""Rate limits on sign-in, token and public routes, answered as 429 JSON.

Sign-in and token routes go through flask-limiter: one Limiter per app (tests build several apps
with different limits). Counters live in Redis when REDIS_URL is set, so every web process shares
them; if Redis stops answering, each process falls back to counting in memory rather than
refusing sign-ins.

Public routes (status pages, badges: the ones a crowd reads) share one budget per client address,
RATE_LIMIT_PUBLIC, counted more cheaply: fixed windows aligned on the clock (flask-limiter's
default strategy), one pipelined `INCR` + `EXPIRE NX` per limit in one round trip, and no
X-RateLimit headers. flask-limiter's check and header injection were a quarter of a cached
page's request. Without REDIS_URL the process counts in memory; a failing Redis never refuses.
"""

import functools
import logging
import math
import threading
import time

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import abort
from limits import parse_many
from redis import RedisError

from pulseguard.redis_client import redis_connection

log = logging.getLogger(__name__)
_memory: dict[str, tuple[int, float]] = {}  # public windows without Redis: key -> (count, ends)
_memory_lock = threading.Lock()

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


@functools.lru_cache(maxsize=16)
def _windows(limits: str) -> tuple[tuple[int, int], ...]:
    """Return (amount, seconds) of each limit in a flask-limiter string ("300 per minute")."""
    return tuple((item.amount, item.get_expiry()) for item in parse_many(limits))


# In a request's environ once a fast path (pulseguard/fastpath) has counted it: the seconds to
# wait, or None when it is within RATE_LIMIT_PUBLIC. public_limited then counts it no more.
COUNTED = "pulseguard.public_wait"


def public_counters(config, address: str, now: float) -> list[tuple[str, int, int, float]]:
    """Return (key, amount, period, seconds left) of each RATE_LIMIT_PUBLIC window this
    request of a client address counts in."""
    counted = []
    for amount, period in _windows(config["RATE_LIMIT_PUBLIC"]):
        window = int(now // period)
        key = f"{config['RATELIMIT_KEY_PREFIX']}:public:{amount}/{period}:{window}:{address}"
        counted.append((key, amount, period, (window + 1) * period - now))
    return counted


def count_public(pipe, counted) -> None:
    """Queue the commands that count a request in its windows (INCR + EXPIRE NX each); their
    answers, in order, go to public_wait."""
    for key, _amount, period, _left in counted:
        pipe.incr(key)
        pipe.expire(key, period + 1, nx=True)


def public_wait(answers: list, counted) -> int | None:
    """Return the seconds to wait from count_public's answers, or None within the limits."""
    waits = [
        max(1, math.ceil(left))
        for count, (_key, amount, _period, left) in zip(answers[::2], counted, strict=True)
        if count > amount
    ]
    return max(waits) if waits else None


def public_retry_after(address: str) -> int | None:
    """Count a request of a client address on a public route; return the seconds to wait when it
    is over RATE_LIMIT_PUBLIC, else None (also when the counters' store fails)."""
    config = current_app.config
    now = time.time()
    counted = public_counters(config, address, now)
    url = config.get("REDIS_URL")
    try:
        if url:
            pipe = redis_connection(url).pipeline(transaction=False)
            count_public(pipe, counted)
            answers = pipe.execute()
        else:
            keys = [(key, period) for key, _a, period, _l in counted]
            answers = [n for count in _count_in_memory(keys, now) for n in (count, None)]
    except RedisError:
        log.warning("Could not count a public request", exc_info=True)
        return None
    return public_wait(answers, counted)


def _count_in_memory(keys: list[tuple[str, int]], now: float) -> list[int]:
    with _memory_lock:
        if len(_memory) > 10_000:  # windows that ended: forget them now and then
            for key in [k for k, (_n, ends) in _memory.items() if ends <= now]:
                del _memory[key]
        counts = []
        for key, period in keys:
            count, ends = _memory.get(key, (0, now + period + 1))
            _memory[key] = (count + 1, ends)
            counts.append(count + 1)
        return counts


def public_limited(view):
    """Wrap a public view: over RATE_LIMIT_PUBLIC for the client's address, answer 429 JSON with
    Retry-After instead."""

    @functools.wraps(view)
    def limited(*args, **kwargs):
        if COUNTED in request.environ:  # a fast path counted it already
            wait = request.environ[COUNTED]
        else:
            wait = public_retry_after(get_remote_address())
        if wait is not None:
            abort(429, message=public_message(), headers={"Retry-After": str(wait)})
        return view(*args, **kwargs)

    return limited


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
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith(PUBLIC_PREFIXES) and not endpoint.endswith(".static"):
            app.view_functions[endpoint] = public_limited(view)
    # flask-limiter resolves limits on every request (7 % of a web worker's CPU per push ping);
    # a route with none of its limits skips that (the other limits count through retry_after).
    limiter.request_filter(lambda: request.endpoint not in limited)
    app.extensions["pulseguard_limiter"] = limiter
