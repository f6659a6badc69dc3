"""The event bus: Redis pub/sub when REDIS_URL is set, in-process otherwise.

It sits below every layer: recording publishes to it (worker processes load nothing of the live
streams), and the hub of each web process (`live/hub.py`) subscribes to it.
"""

import json
import logging
from collections import defaultdict

from flask import current_app
from gevent.queue import Queue
from redis import Redis, RedisError
from redis.backoff import NoBackoff
from redis.retry import Retry

from pulseguard.redis_client import redis_connection

log = logging.getLogger(__name__)

# In-process subscribers per channel (embedded mode: one process runs checks and streams).
_local: dict[str, set[Queue]] = defaultdict(set)
# Sent before the next message after a publish failed: every hub has its streams catch up from the
# database (the hub's subscriber may never have noticed the outage: a hang, or a publish timeout).
GAP = '"gap"'
_gaps: set[tuple[str, str]] = set()  # (Redis URL, channel) whose last publish failed here


def dumps(value) -> str:
    """Return compact JSON (dates and other odd values as strings)."""
    return json.dumps(value, separators=(",", ":"), default=str)


def publish(events: list[dict]) -> None:
    """Publish events after the commit that made them true (needs an app context).

    Each event is a JSON-serialisable dict:
    {"type": "ping" | "status", "server_id": int, "owner_id": int, "id": int, "data": {...}}
    where data is the PingResult or ServerStatus exactly as the REST API serialises it.
    The whole list travels as one message. A bus failure is logged, never raised: the data is
    committed already. The next message this process publishes is preceded by GAP, on which
    every hub has its streams catch up from the database; a hub that lost its subscription
    catches up when it resubscribes.
    """
    if not events:
        return
    payload = dumps(list(events))
    channel = current_app.config["EVENTS_CHANNEL"]
    url = current_app.config.get("REDIS_URL")
    if not url:
        publish_local(channel, payload)
        return
    gap = (url, channel)
    try:
        if gap in _gaps:
            pipe = redis_connection(url).pipeline(transaction=False)
            pipe.publish(channel, GAP)
            pipe.publish(channel, payload)
            pipe.execute()
            _gaps.discard(gap)
            log.info("Live event bus back: streams told to catch up from the database")
        else:
            redis_connection(url).publish(channel, payload)
    except RedisError as error:
        _gaps.add(gap)
        log.warning("Could not publish %d live events: %s", len(events), error)


def publish_local(channel: str, payload: str) -> None:
    """Hand a message to every in-process subscriber of the channel."""
    for queue in tuple(_local.get(channel, ())):
        queue.put(payload)


def subscribe_local(channel: str) -> Queue:
    """Return a queue that receives every message published in this process on the channel."""
    queue = Queue()
    _local[channel].add(queue)
    return queue


def unsubscribe_local(channel: str, queue: Queue) -> None:
    """Stop delivering the channel's messages to the queue."""
    _local[channel].discard(queue)


def subscriber_connection(url: str) -> Redis:
    """Return a dedicated Redis connection for one pub/sub subscriber.

    It never times out while idle and does not retry on its own: the hub notices a lost
    connection at once, resubscribes, and has its streams catch up from the database.
    """
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_keepalive=True,
        health_check_interval=10,
        retry=Retry(NoBackoff(), 0),
    )
