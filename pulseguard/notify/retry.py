"""The one retry policy of deliveries, and how a retry is scheduled: RQ or a gevent timer."""

import logging
from datetime import timedelta

import gevent
from flask import current_app

from pulseguard.jobs.queue import NOTIFY
from pulseguard.redis_client import redis_connection

log = logging.getLogger(__name__)


def retry_delay(attempt: int) -> float | None:
    """Return how long to wait after a failed attempt before the next, or None to give up."""
    delays = current_app.config["NOTIFY_RETRY_DELAYS_S"]
    return float(delays[attempt - 1]) if attempt <= len(delays) else None


def enqueue_later(delay_s: float, func, *args) -> None:
    """Run func(*args) on the notify queue after delay_s seconds."""
    if current_app.config.get("REDIS_URL"):
        # rq-scheduler: the scheduler process (`flask start-scheduler`) moves it to the queue.
        from rq_scheduler import Scheduler  # here: most worker processes never retry

        scheduler = Scheduler(queue_name=NOTIFY, connection=redis_connection())
        scheduler.enqueue_in(timedelta(seconds=delay_s), func, *args)
        return
    gevent.spawn_later(delay_s, _run_embedded, current_app._get_current_object(), func, args)


def _run_embedded(app, func, args):
    with app.app_context():
        try:
            func(*args)
        except Exception:  # noqa: BLE001 - a failed job is logged, as RQ would, not raised
            log.exception("Job %s failed", getattr(func, "__name__", func))
