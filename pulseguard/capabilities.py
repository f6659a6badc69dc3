"""What the live check workers can do: the registry a save consults (API-NEXT §1.4).

With Redis, every RQ worker that takes check batches publishes whether it can send ICMP when it
starts and again with its RQ heartbeat (at most once a minute), each entry expiring with the
worker (`worker_ttl` + 60 s, as RQ's own worker key does), and withdraws it when it stops. The
entries are two sorted sets scored by expiry, so a worker killed without a word drops out by
itself. Without Redis the checks run in this very process (the embedded engine), so its own
capability is the answer.

A save is refused only when live workers report and none of them can send ICMP. With no worker
reporting (all stopped, or being redeployed) nothing is known, and the save goes through.
"""

import time

from flask import current_app
from redis import Redis, RedisError

from pulseguard.checks import icmp

PREFIX = "pulseguard:capability:icmp"
CAN, CANNOT = f"{PREFIX}:yes", f"{PREFIX}:no"
NO_ICMP = "No worker can send ICMP: set net.ipv4.ping_group_range or run with CAP_NET_RAW."


def publish(connection: Redis, worker: str, can_icmp: bool, ttl_s: float, pipeline=None) -> None:
    """Say what a worker can do until ttl_s from now (on pipeline, if given, else at once)."""
    pipe = pipeline if pipeline is not None else connection.pipeline(transaction=False)
    now = time.time()
    pipe.zadd(CAN if can_icmp else CANNOT, {worker: now + ttl_s})
    pipe.zrem(CANNOT if can_icmp else CAN, worker)
    for key in (CAN, CANNOT):
        pipe.zremrangebyscore(key, "-inf", now)
    if pipeline is None:
        pipe.execute()


def withdraw(connection: Redis, worker: str) -> None:
    """Take a stopping worker out of the registry."""
    pipe = connection.pipeline(transaction=False)
    pipe.zrem(CAN, worker)
    pipe.zrem(CANNOT, worker)
    pipe.execute()


def live_icmp(connection: Redis) -> dict[str, int]:
    """How many live workers can and cannot send ICMP."""
    now = time.time()
    pipe = connection.pipeline(transaction=False)
    pipe.zcount(CAN, now, "+inf")
    pipe.zcount(CANNOT, now, "+inf")
    can, cannot = pipe.execute()
    return {"can": int(can), "cannot": int(cannot)}


def icmp_refusal() -> str | None:
    """Why an icmp server cannot be checked now, or None (needs an app context)."""
    config = current_app.config
    if not config.get("REDIS_URL"):
        return NO_ICMP if icmp.mode(icmp.setting_of(config)) is None else None
    from pulseguard.redis_client import redis_connection

    try:
        counts = live_icmp(redis_connection())
    except RedisError:
        return None  # unknown: the save is not the place to report a Redis outage
    return NO_ICMP if counts["cannot"] and not counts["can"] else None
