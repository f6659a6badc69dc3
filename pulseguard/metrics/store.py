"""Where counters live: Redis (shared by every process on every machine) or this process's memory.

Every counter and histogram bucket is a field of a Redis hash, bumped with HINCRBY by whichever
process observed it (gunicorn worker, RQ worker, scheduler); `/metrics` on any web process reads
the hashes at scrape time, so the figures are the whole deployment's. Without REDIS_URL there is
one process (the embedded mode) and the same structures live in a dict.
"""

import atexit
import logging
import os
import socket
import threading
import time
from collections import Counter, defaultdict

from flask import current_app, has_app_context
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

LIVE_STREAMS = "live_streams"  # fields "<host:pid><SEP><kind>": open streams of that process
SEP = "\x1f"  # joins label values in a hash field; never part of a label value we record
PAUSE_AFTER_ERROR_S = 5.0  # a down Redis must not slow checks: skip writes for a while


def process(pid: int | None = None) -> str:
    """Name a process across machines: host:pid."""
    return f"{socket.gethostname()}:{pid or os.getpid()}"


def field(labels: tuple) -> str:
    """Encode label values as one hash field."""
    return SEP.join(str(value) for value in labels)


def unfield(raw) -> tuple:
    """Decode a hash field back into label values."""
    text = raw.decode() if isinstance(raw, bytes) else raw
    return tuple(text.split(SEP)) if text else ()


class LocalStore:
    """Counters of this process only (embedded mode, or code running outside an app)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.hashes = defaultdict(lambda: defaultdict(float))

    def add(self, updates: list) -> None:
        """Apply (key, field, amount) increments."""
        with self.lock:
            for key, name, amount in updates:
                self.hashes[key][name] += amount

    def read(self, key: str) -> dict:
        """Return one hash as {field: number}."""
        with self.lock:
            return dict(self.hashes.get(key, {}))

    def remove(self, key: str, names: list) -> None:
        with self.lock:
            for name in names:
                self.hashes.get(key, {}).pop(name, None)


class RedisStore:
    """Counters shared through Redis hashes; a failing Redis drops increments, never raises."""

    paused_until: dict[str, float] = {}  # the client's address -> skip its writes until

    def __init__(self, client, prefix):
        self.client, self.prefix = client, prefix

    def _address(self) -> str:
        kwargs = self.client.connection_pool.connection_kwargs
        return f"{kwargs.get('host')}:{kwargs.get('port')}/{kwargs.get('db')}"

    def add(self, updates: list) -> None:
        """Apply (key, field, amount) increments: one command per distinct field, one round trip."""
        if time.monotonic() < RedisStore.paused_until.get(self._address(), 0.0):
            return
        totals = defaultdict(int)
        for key, name, amount in updates:
            totals[key, name] += amount
        try:
            pipe = self.client.pipeline(transaction=False)
            for (key, name), amount in totals.items():
                if float(amount).is_integer():
                    pipe.hincrby(f"{self.prefix}:{key}", name, int(amount))
                else:
                    pipe.hincrbyfloat(f"{self.prefix}:{key}", name, amount)
            pipe.execute()
        except RedisError as error:
            RedisStore.paused_until[self._address()] = time.monotonic() + PAUSE_AFTER_ERROR_S
            log.warning(
                "Metrics not recorded for %ss: Redis failed (%s)", PAUSE_AFTER_ERROR_S, error
            )

    def read(self, key: str) -> dict:
        raw = self.client.hgetall(f"{self.prefix}:{key}")
        return {(k.decode() if isinstance(k, bytes) else k): float(v) for k, v in raw.items()}

    def remove(self, key: str, names: list) -> None:
        if names:
            self.client.hdel(f"{self.prefix}:{key}", *names)


LOCAL = LocalStore()
FLUSH_S = 1.0  # how long a request count may wait in its process before it reaches the store
_pending: dict[tuple, tuple] = {}  # (client id, prefix) -> (store, Counter of (key, field))
_pending_timer: list = []
_pending_lock = threading.Lock()


def pending_add(target, update: tuple) -> None:
    """Queue one (key, field, amount) increment for `target`; written within FLUSH_S.

    Counting each request in Redis cost a round trip per request (7 % of a web worker's CPU
    per push ping); queued, one pipeline a second carries them all. A store in memory is
    written at once.
    """
    if not isinstance(target, RedisStore):
        target.add([update])
        return
    with _pending_lock:
        key, name, amount = update
        _target, totals = _pending.setdefault(
            (id(target.client), target.prefix), (target, Counter())
        )
        totals[key, name] += amount
        if not _pending_timer:
            timer = threading.Timer(FLUSH_S, pending_flush)
            timer.daemon = True
            _pending_timer.append(timer)
            timer.start()


def pending_flush() -> None:
    """Write the queued increments now."""
    with _pending_lock:
        queued = list(_pending.values())
        _pending.clear()
        _pending_timer.clear()
    for target, totals in queued:
        target.add([(key, name, amount) for (key, name), amount in totals.items()])


atexit.register(pending_flush)


def current_store():
    """Return the Redis store when the app has REDIS_URL, else this process's store."""
    return store_for(current_app.config) if has_app_context() else LOCAL


def store_for(config):
    """Return the store of an app's config (for code that runs outside its app context)."""
    if config.get("REDIS_URL"):
        from pulseguard.redis_client import redis_connection

        return RedisStore(redis_connection(config["REDIS_URL"]), config["METRICS_REDIS_PREFIX"])
    return LOCAL


def store_from_env():
    """Return the store the web processes use, built from the environment (no app needed)."""
    from config import config_for

    config = config_for()
    if not config.REDIS_URL:
        return LOCAL
    from pulseguard.redis_client import redis_connection

    return RedisStore(redis_connection(config.REDIS_URL), config.METRICS_REDIS_PREFIX)


def forget_process(target, pid: int | None = None) -> None:
    """Remove the open-stream counts of one process (this one by default) from the store."""
    name_of_process = process(pid)
    try:
        names = [n for n in target.read(LIVE_STREAMS) if unfield(n)[0] == name_of_process]
        target.remove(LIVE_STREAMS, names)
    except RedisError as error:
        log.warning("Could not forget the streams of %s: %s", name_of_process, error)
