"""The embedded runtime (no REDIS_URL): the dispatcher and upkeep as greenlets in this process.

Started by gunicorn's post_worker_init hook (gunicorn.conf.py) for `make run`, or by
`flask start-scheduler` without Redis; never by create_app(). Check batch jobs run in this process's
engine through the same job functions the RQ worker runs.
"""

import logging
import time

import gevent

from pulseguard.extensions import db
from pulseguard.jobs.dispatch import dispatch_due_checks
from pulseguard.jobs.push_sweep import sweep_push_deadlines
from pulseguard.jobs.upkeep import prune_results
from pulseguard.monitoring.maintenance import sweep_windows
from pulseguard.notify.reminders import send_reminders
from pulseguard.notify.resume import resume_deliveries
from pulseguard.sqlite import checkpoint_in_thread

log = logging.getLogger(__name__)


def every(app, seconds: float, func, name: str) -> None:
    """Call func in an app context every `seconds`, on the planned beat, forever."""
    next_run = time.monotonic()
    while True:
        with app.app_context():
            try:
                func()
            except Exception:  # noqa: BLE001 - keep the loop alive; the next beat retries
                log.exception("Periodic job %s failed", name)
                db.session.rollback()
        next_run += seconds
        gevent.sleep(max(0.0, next_run - time.monotonic()))
        if next_run < time.monotonic():
            next_run = time.monotonic()


def start_embedded(app) -> list[gevent.Greenlet]:
    """Start the dispatcher, upkeep loops and SQLite checkpoints as greenlets; return them."""
    config = app.config
    log.info("Embedded scheduler: dispatching every %ss", config["DISPATCH_INTERVAL_S"])
    with app.app_context():
        checkpoints = checkpoint_in_thread(db.engine, config["SQLITE_CHECKPOINT_S"])
    return [
        *([checkpoints] if checkpoints else []),
        gevent.spawn(every, app, config["DISPATCH_INTERVAL_S"], dispatch_due_checks, "dispatch"),
        gevent.spawn(every, app, config["MAINTENANCE_INTERVAL_S"], sweep_windows, "maintenance"),
        gevent.spawn(
            every, app, config["PUSH_SWEEP_INTERVAL_S"], sweep_push_deadlines, "push-sweep"
        ),
        gevent.spawn_later(
            60, every, app, config["PRUNE_INTERVAL_S"], prune_results, "prune-results"
        ),
        gevent.spawn_later(
            10, every, app, config["REMINDER_INTERVAL_S"], send_reminders, "reminders"
        ),
        gevent.spawn_later(
            15, every, app, config["NOTIFY_RESUME_S"], resume_deliveries, "resume-deliveries"
        ),
    ]
