"""Leases on check claims: the claims of a worker that dies are run by another worker.

A claim is (server id, planned time): the dispatcher made it, a check batch job handed it to one
worker's engine. Before probing, the worker records its claims in its lease (a Redis hash, one
round trip per batch job); a claim leaves the lease once its result is recorded. The lease is
alive while its key exists: a key with a TTL of CHECK_LEASE_S, renewed every fifth of that by a
native thread (jobs/heartbeat.py), which neither a busy event loop nor a long recording can
starve. When a worker's key has expired (SIGKILL, host lost, link down), another worker takes its
claims over and runs them: every worker asks Redis for lapsed leases every fifth of the lease
(one script call), so a dead worker's claims start about 1.2 leases after its last renewal.

The take-over is a compare-and-set (one Lua script): it moves the claims only while the owner's
lease key is absent, into the taker's own lease, so exactly one worker gets them and a taker that
dies too hands them on. A worker never takes over its own lease. A worker cut off from Redis sees
every lease lapse, its own included: once its renewals go through again, it takes over only the
leases it has seen alive since then (their owner renewed after Redis came back, then stopped),
and the others only after RECONNECT_HOLDOFF_S (time for every live worker to renew again). A
claim recorded before its owner died, or that both run (a stalled owner that resumes), is
recorded once: recording is a compare-and-set on the server's last planned time
(monitoring/record.py).
"""

import logging
import time
import uuid

from redis import Redis
from redis.exceptions import NoScriptError, RedisError

log = logging.getLogger(__name__)
PREFIX = "pulseguard:lease"
WORKERS = f"{PREFIX}:workers"  # ids of the workers that hold or held a lease
RECONNECT_HOLDOFF_S = 5.0  # > a heartbeat's socket timeout and retry after an outage

Claim = tuple[int, float]  # (server id, planned unix time)

TAKE_OVER = """
if redis.call('exists', KEYS[1]) == 1 then return {} end
local claims = redis.call('hgetall', KEYS[2])
for i = 1, #claims, 2 do redis.call('hset', KEYS[3], claims[i], claims[i + 1]) end
redis.call('del', KEYS[2])
redis.call('srem', KEYS[4], ARGV[1])
return claims
"""

# Every lease's state in one round trip: worker id, 1 (alive) or 0 (lapsed), for each worker.
# The alive keys are named from ARGV (not KEYS): the set of workers is known only inside.
STATES = """
local out = {}
for _, worker in ipairs(redis.call('smembers', KEYS[1])) do
  out[#out + 1] = worker
  out[#out + 1] = redis.call('exists', ARGV[1] .. worker)
end
return out
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


def text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class Leases:
    """This worker's lease: hold claims, release them once recorded, renew, take over others'.

    `connection` serves the engine's greenlets; `heartbeat_connection` only the heartbeat
    thread (a client is not shared between threads), with a socket timeout of about a lease.
    """

    def __init__(
        self,
        connection: Redis,
        lease_s: float,
        worker: str | None = None,
        heartbeat_connection: Redis | None = None,
    ):
        self.redis, self.lease_s = connection, lease_s
        self.beat_redis = heartbeat_connection or connection
        self.worker = worker or uuid.uuid4().hex
        self.alive, self.claims = alive_key(self.worker), claims_key(self.worker)
        self.done: set[str] = set()
        self.connected_since: float | None = None  # renewals unbroken since (monotonic)
        self.last_renewal = 0.0
        self.seen_alive: dict[str, float] = {}  # other worker -> when last seen alive
        self._take_over = connection.register_script(TAKE_OVER)
        self._states = connection.register_script(STATES)

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
        """Mark claims recorded (or dropped); they leave the lease at the next keeper tick."""
        self.done.update(field(c) for c in claims)

    def renew(self) -> bool:
        """Renew the lease (the heartbeat thread); False when Redis is away."""
        try:
            pipe = self.beat_redis.pipeline(transaction=False)
            pipe.set(self.alive, "1", px=self._ttl())
            pipe.sadd(WORKERS, self.worker)
            pipe.execute()
        except RedisError as error:
            if self.connected_since is not None:  # once per outage, not every beat
                log.warning("Could not renew the check lease (%s)", error)
            self.connected_since = None
            return False
        now = time.monotonic()
        if self.connected_since is None or now - self.last_renewal > self.lease_s:
            self.connected_since = now
        self.last_renewal = now
        return True

    def connected(self) -> bool:
        """Whether this worker's own lease has been renewed within the lease."""
        since = self.connected_since
        return since is not None and time.monotonic() - self.last_renewal < self.lease_s

    def lapsed(self) -> list[str]:
        """Drop the recorded claims; return the other workers whose lease lapsed (one round trip).

        Only those this worker may take over: it must be connected itself, and a lease it has not
        seen alive since its renewals resumed counts only after RECONNECT_HOLDOFF_S.
        """
        if not self.connected():
            return []
        done = list(self.done)
        try:
            try:
                flat = self._drop_and_read_states(done)
            except NoScriptError:  # Redis restarted (or flushed its scripts): load it again
                self.redis.script_load(STATES)
                flat = self._drop_and_read_states(done)
        except RedisError as error:
            log.warning("Could not look for lapsed leases (%s)", error)
            return []
        self.done.difference_update(done)
        now, since = time.monotonic(), self.connected_since or time.monotonic()
        out = []
        for i in range(0, len(flat), 2):
            other = text(flat[i])
            if other == self.worker:
                continue
            if int(flat[i + 1]):
                self.seen_alive[other] = now
            elif self.seen_alive.get(other, 0.0) >= since or now - since >= RECONNECT_HOLDOFF_S:
                out.append(other)
        return out

    def _drop_and_read_states(self, done: list[str]) -> list:
        pipe = self.redis.pipeline(transaction=False)
        if done:
            pipe.hdel(self.claims, *done)
        pipe.evalsha(self._states.sha, 1, WORKERS, f"{PREFIX}:alive:")
        return pipe.execute()[-1]

    def take_over(self, lapsed: list[str]) -> list[Claim]:
        """Take over the claims of these lapsed workers (each a compare-and-set); return them."""
        taken: list[Claim] = []
        for other in lapsed:
            keys = [alive_key(other), claims_key(other), self.claims, WORKERS]
            try:
                flat = self._take_over(keys=keys, args=[other])
            except RedisError as error:
                log.warning("Could not take over the lease of %s (%s)", other, error)
                continue
            self.seen_alive.pop(other, None)
            claims = [parse(flat[i]) for i in range(0, len(flat), 2)]
            if claims:
                log.warning(
                    "Took over %d claims of worker %s (its lease lapsed)", len(claims), other
                )
            taken += claims
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
