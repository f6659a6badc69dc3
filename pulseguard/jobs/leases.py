"""Leases on check claims: the claims of a worker that dies are run by another worker.

A claim is (server id, planned time): the dispatcher made it, a check batch job handed it to one
worker's engine. Before probing, the worker records its claims in its lease (a Redis hash, one
round trip per batch job) and it renews the lease (a key with a TTL of CHECK_LEASE_S) every third
of that; a claim leaves the lease once its result is recorded. When a worker's lease key has
expired (SIGKILL, host lost, link down), another worker takes its claims over and runs them.

The take-over is a compare-and-set (one Lua script): it moves the claims only while the owner's
lease key is absent, into the taker's own lease, so exactly one worker gets them and a taker that
dies too hands them on. A worker never takes over its own lease, and takes over nothing until
its own renewals have gone through for a whole lease period (a worker cut off from Redis sees
every lease lapse, its own included). A claim that was recorded before its owner died, or that
both run (a stalled owner that resumes), is recorded once: recording is a compare-and-set on the
server's last planned time (monitoring/record.py).
"""

import logging
import time
import uuid

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
PREFIX = "pulseguard:lease"
WORKERS = f"{PREFIX}:workers"  # ids of the workers that hold or held a lease

Claim = tuple[int, float]  # (server id, planned unix time)

TAKE_OVER = """
if redis.call('exists', KEYS[1]) == 1 then return {} end
local claims = redis.call('hgetall', KEYS[2])
for i = 1, #claims, 2 do redis.call('hset', KEYS[3], claims[i], claims[i + 1]) end
redis.call('del', KEYS[2])
redis.call('srem', KEYS[4], ARGV[1])
return claims
"""


def alive_key(worker: str) -> str:
    return f"{PREFIX}:alive:{worker}"


def claims_key(worker: str) -> str:
    return f"{PREFIX}:claims:{worker}"


def field(claim: Claim) -> str:
    """A claim as a hash field: `server id:planned time` (repr keeps the float exact)."""
    return f"{int(claim[0])}:{float(claim[1])!r}"


def parse(name: bytes | str) -> Claim:
    text = name.decode() if isinstance(name, bytes) else name
    sid, planned = text.split(":", 1)
    return int(sid), float(planned)


class Leases:
    """This worker's lease: hold claims, release them once recorded, renew, take over others'."""

    def __init__(self, connection: Redis, lease_s: float, worker: str | None = None):
        self.redis, self.lease_s = connection, lease_s
        self.worker = worker or uuid.uuid4().hex
        self.alive, self.claims = alive_key(self.worker), claims_key(self.worker)
        self.done: set[str] = set()
        self.connected_since: float | None = None  # renewals unbroken since (monotonic)
        self.last_renewal = 0.0
        self._take_over = connection.register_script(TAKE_OVER)

    def hold(self, claims: list[Claim]) -> None:
        """Put claims in this worker's lease before they are probed (one round trip)."""
        if not claims:
            return
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.hset(self.claims, mapping={field(c): "" for c in claims})
            pipe.set(self.alive, "1", px=self._ttl())
            pipe.sadd(WORKERS, self.worker)
            pipe.execute()
        except RedisError as error:  # the checks still run, without a lease
            log.warning("Could not lease %d claims (%s)", len(claims), error)

    def release(self, claims: list[Claim]) -> None:
        """Mark claims recorded (or dropped); they leave the lease at the next renewal."""
        self.done.update(field(c) for c in claims)

    def renew(self) -> bool:
        """Renew the lease and drop the recorded claims from it; False when Redis is away."""
        done = list(self.done)
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.set(self.alive, "1", px=self._ttl())
            pipe.sadd(WORKERS, self.worker)
            if done:
                pipe.hdel(self.claims, *done)
            pipe.execute()
        except RedisError as error:
            log.warning("Could not renew the check lease (%s)", error)
            self.connected_since = None
            return False
        self.done.difference_update(done)
        now = time.monotonic()
        if self.connected_since is None or now - self.last_renewal > self.lease_s:
            self.connected_since = now
        self.last_renewal = now
        return True

    def take_over(self) -> list[Claim]:
        """Take over the claims of every other worker whose lease lapsed; return them."""
        since = self.connected_since
        if since is None or time.monotonic() - since < self.lease_s:
            return []  # this worker may have been cut off itself: let the others renew first
        taken: list[Claim] = []
        try:
            for raw in self.redis.smembers(WORKERS):
                other = raw.decode() if isinstance(raw, bytes) else raw
                if other == self.worker or self.redis.exists(alive_key(other)):
                    continue
                keys = [alive_key(other), claims_key(other), self.claims, WORKERS]
                flat = self._take_over(keys=keys, args=[other])
                claims = [parse(flat[i]) for i in range(0, len(flat), 2)]
                if claims:
                    log.warning(
                        "Took over %d claims of worker %s (its lease lapsed)", len(claims), other
                    )
                taken += claims
        except RedisError as error:
            log.warning("Could not look for lapsed leases (%s)", error)
        return taken

    def resign(self, keep_claims: bool) -> None:
        """End this worker's lease: at once for the others to take over what is left (if kept)."""
        try:
            pipe = self.redis.pipeline(transaction=False)
            pipe.delete(self.alive)
            if not keep_claims:
                pipe.delete(self.claims)
                pipe.srem(WORKERS, self.worker)
            pipe.execute()
        except RedisError:
            pass  # the lease lapses by itself

    def _ttl(self) -> int:
        return max(1, round(self.lease_s * 1000))  # milliseconds

    def __repr__(self) -> str:
        return f"Leases({self.worker}, {self.lease_s}s)"
