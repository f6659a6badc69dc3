"""Putting jobs on a queue: RQ when REDIS_URL is set, a greenlet in this process otherwise."""

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

import gevent
from flask import current_app
from rq import Queue

from pulseguard.appctx import real_app
from pulseguard.redis_client import redis_connection

log = logging.getLogger(__name__)


def enqueue(queue_name: str, func, *args, **kwargs) -> None:
    """Run func(*args, **kwargs) as a job on the named queue, after the commit it needs."""
    if current_app.config.get("REDIS_URL"):
        Queue(queue_name, connection=redis_connection()).enqueue(func, *args, **kwargs)
        return
    gevent.spawn(run_embedded, real_app(), func, args, kwargs)


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
    app = real_app()
    for args in arg_lists:
        gevent.spawn(run_embedded, app, func, args, {})


def queued(queue_name: str) -> int | None:
    """How many jobs wait on the named RQ queue (one LLEN); None without Redis (embedded)."""
    if not current_app.config.get("REDIS_URL"):
        return None
    return Queue(queue_name, connection=redis_connection()).count


def enqueue_later(queue_name: str, delay_s: float, func, *args) -> None:
    """Run func(*args) on the named queue after delay_s seconds."""
    if current_app.config.get("REDIS_URL"):
        # rq-scheduler: the scheduler process (`flask start-scheduler`) moves it to the queue.
        from rq_scheduler import Scheduler  # here: most worker processes never schedule

        scheduler = Scheduler(queue_name=queue_name, connection=redis_connection())
        scheduler.enqueue_in(timedelta(seconds=delay_s), func, *args)
        return
    app = real_app()
    gevent.spawn_later(delay_s, run_embedded, app, func, args, {})


def run_embedded(app, func, args, kwargs) -> None:
    """Run one job in an app context, logging (as RQ would) instead of raising its failure."""
    with app.app_context():
        try:
            func(*args, **kwargs)
        except Exception:  # noqa: BLE001 - a failed job is logged, as RQ would, not raised
            log.exception("Job %s failed", getattr(func, "__name__", func))
