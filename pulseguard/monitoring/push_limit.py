"""PUSH_RATE_LIMIT: pings per push server (per token, or per owner and key), counted per batch.

The ping batcher asks once per batch, so a batch of 200 pings costs one Redis round trip (a
pipeline of INCRBY per server and limit; EXPIRE once, when a window's key is made), not one per
ping. Windows are fixed (the limit's period, aligned on the clock), as flask-limiter's default
strategy counts them. Without
REDIS_URL the one process counts in memory. Like the other limits, a store that fails never
refuses a ping, and RATE_LIMIT_ENABLED=false turns it off.
"""

import logging
import math
import threading
import time
from collections import Counter

from flask import current_app
from limits import parse_many
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
_memory: dict[str, tuple[int, float]] = {}  # key -> (count, expires at), without Redis
_lock = threading.Lock()


def retry_afters(identities: list[str]) -> list[int | None]:
    """For each ping (named by its server's identity), the seconds to wait if it is over the
    limit, else None. Every ping counts, in order: the first ones of a batch pass."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True) or not identities:
        return [None] * len(identities)
    now = time.time()
    prefix = f"{config['RATELIMIT_KEY_PREFIX']}:push"
    per_identity = Counter(identities)
    waits: dict[str, list[int | None]] = {i: [None] * n for i, n in per_identity.items()}
    try:
        for limit in parse_many(config["PUSH_RATE_LIMIT"]):
            period = limit.get_expiry()
            window = int(now // period)
            ends_in = max(1, math.ceil((window + 1) * period - now))
            keys = {i: f"{prefix}:{limit.amount}/{period}:{window}:{i}" for i in per_identity}
            totals = _count({keys[i]: n for i, n in per_identity.items()}, period, now)
            for identity, n in per_identity.items():
                before = totals[keys[identity]] - n  # counted by earlier batches
                for k in range(n):
                    if before + k + 1 > limit.amount:
                        waits[identity][k] = max(waits[identity][k] or 0, ends_in)
    except (RedisError, ValueError):
        log.warning("Could not count push pings against PUSH_RATE_LIMIT", exc_info=True)
        return [None] * len(identities)
    seen: Counter = Counter()
    answer = []
    for identity in identities:
        answer.append(waits[identity][seen[identity]])
        seen[identity] += 1
    return answer


def _count(increments: dict[str, int], period: int, now: float) -> dict[str, int]:
    """Add to each window's counter; return the counters' new values."""
    if current_app.config.get("REDIS_URL"):
        from pulseguard.redis_client import redis_connection

        client = redis_connection()
        pipe = client.pipeline(transaction=False)
        for key, n in increments.items():
            pipe.incrby(key, n)
        totals = dict(zip(increments, pipe.execute(), strict=True))
        new = [key for key, n in increments.items() if totals[key] == n]  # made just now
        if new:  # a window's key expires once it has ended: set once, when it is made
            pipe = client.pipeline(transaction=False)
            for key in new:
                pipe.expire(key, period + 1)
            pipe.execute()
        return totals
    with _lock:
        if len(_memory) > 10_000:  # windows that ended: forget them now and then, not each batch
            for key in [k for k, (_n, expires) in _memory.items() if expires <= now]:
                del _memory[key]
        for key, n in increments.items():
            count, expires = _memory.get(key, (0, now + period + 1))
            _memory[key] = (count + n, expires)
        return {key: _memory[key][0] for key in increments}
