"""Where jobs go: RQ queues when REDIS_URL is set, a greenlet in this process otherwise."""

import logging
from collections.abc import Callable, Iterable

import gevent
from flask import current_app
from rq import Queue

from pulseguard.jobs import CHECKS, NOTIFY, UPKEEP
from pulseguard.redis_client import redis_connection

__all__ = ["CHECKS", "NOTIFY", "UPKEEP", "enqueue", "enqueue_many"]
log = logging.getLogger(__name__)


def enqueue(queue_name: str, func, *args, **kwargs) -> None:
    """Run func(*args, **kwargs) as a job on the named queue, after the commit it needs."""
    if current_app.config.get("REDIS_URL"):
        Queue(queue_name, connection=redis_connection()).enqueue(func, *args, **kwargs)
        return
    gevent.spawn(_run_embedded, current_app._get_current_object(), func, args, kwargs)


def enqueue_many(queue_name: str, func: Callable, arg_lists: Iterable[tuple], **options) -> None:
    """Enqueue func once per argument tuple, in one Redis round trip (or as greenlets, embedded).

    options are RQ job options (result_ttl, ttl, failure_ttl, timeout); ignored when embedded.
    """
    arg_lists = list(arg_lists)
    if not arg_lists:
        return
    if current_app.config.get("REDIS_URL"):
        queue = Queue(queue_name, connection=redis_connection())
        queue.enqueue_many([Queue.prepare_data(func, args=args, **options) for args in arg_lists])
        return
    app = current_app._get_current_object()
    for args in arg_lists:
        gevent.spawn(_run_embedded, app, func, args, {})


def _run_embedded(app, func, args, kwargs):
    with app.app_context():
        try:
            func(*args, **kwargs)
        except Exception:  # noqa: BLE001 - a failed job is logged, as RQ would, not raised
            log.exception("Job %s failed", getattr(func, "__name__", func))
