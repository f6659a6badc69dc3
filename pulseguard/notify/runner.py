"""Where delivery attempts run: a bounded gevent pool per process, so that no channel blocks.

The notify job (`run_delivery`) starts the attempt on the pool and returns at once, in the RQ worker
as in the embedded mode: a hanging SMTP server or webhook holds one pool slot until its timeout,
never the worker's job loop (and so never the check batches) nor the other channels. When the pool
stays full for FULL_POOL_WAIT_S, an RQ job is put back on the queue for a second later instead of
holding up the worker; an embedded job (its own greenlet already) just waits for a slot.
"""

import logging

from gevent.pool import Pool

from pulseguard.appctx import real_app
from pulseguard.notify.delivery import deliver, retry_delay
from pulseguard.notify.disabled import tell_owner
from pulseguard.notify.streaks import count_delivery
from pulseguard.queueing import NOTIFY
from pulseguard.queueing.enqueue import enqueue, enqueue_later, enqueue_many

log = logging.getLogger(__name__)

_pools: dict[int, Pool] = {}
_running: set[tuple] = set()
FULL_POOL_WAIT_S = 0.2
FULL_POOL_DELAY_S = 1.0


def pool_for(app) -> Pool:
    """Return this process's delivery pool for the app."""
    pool = _pools.get(id(app))
    if pool is None:
        pool = _pools[id(app)] = Pool(max(1, int(app.config["NOTIFY_CONCURRENCY"])))
    return pool


def enqueue_deliveries(jobs: list[tuple]) -> None:
    """Enqueue delivery attempts (run_delivery's arguments each), NOTIFY_BATCH to a notify job.

    One RQ job per attempt cost the worker's job loop more than the attempt's own work in a mass
    outage (bench/README.md, issue 15): a batch is taken in one go and its attempts started.
    """
    size = max(1, int(real_app().config["NOTIFY_BATCH"]))
    batches = [(jobs[i : i + size],) for i in range(0, len(jobs), size)]
    enqueue_many(NOTIFY, run_deliveries, batches, result_ttl=300)


def run_deliveries(batch: list[tuple]) -> None:
    """Start a batch of delivery attempts on this process's pool (the notify job of a batch).

    In the RQ worker, when the pool stays full, the rest of the batch goes back on the queue.
    """
    for index, args in enumerate(batch):
        if not _start(*args):
            enqueue_later(NOTIFY, FULL_POOL_DELAY_S, run_deliveries, list(batch[index:]))
            return


def run_delivery(
    config_id: int, change_id: int | None, event: str, attempt: int = 1, facts: dict | None = None
) -> None:
    """Start one delivery attempt on this process's pool and return (the notify job).

    `facts`: an announcement's (notify/announce.py), for events that are no status change.
    """
    if not _start(config_id, change_id, event, attempt, facts):
        enqueue_later(
            NOTIFY, FULL_POOL_DELAY_S, run_delivery, config_id, change_id, event, attempt, facts
        )


def _start(config_id, change_id, event, attempt=1, facts=None) -> bool:
    """Start an attempt on the pool; False when the RQ worker's pool stayed full (not started)."""
    app = real_app()
    ref = facts.get("ref") if facts else None
    key = (id(app), config_id, change_id, event, attempt, ref)
    if key in _running:
        return True  # the same job, delivered twice by the queue, is running already
    pool = pool_for(app)
    if app.config.get("REDIS_URL"):
        # In the RQ worker, wait only briefly for a slot: the job loop also runs check batches.
        pool.wait_available(timeout=FULL_POOL_WAIT_S)
        if pool.full():
            return False
    _running.add(key)
    pool.spawn(_attempt, app, key, facts)  # embedded: this job's own greenlet waits for a slot
    return True


def _attempt(app, key, facts=None):
    _app_id, config_id, change_id, event, attempt, _ref = key
    try:
        with app.app_context():
            delay = retry_delay(attempt)
            outcome = deliver(config_id, change_id, event, attempt, facts)
            if outcome == "retrying" and delay is not None:
                enqueue_later(
                    NOTIFY, delay, run_delivery, config_id, change_id, event, attempt + 1, facts
                )
            if count_delivery(config_id, event, outcome):
                enqueue(NOTIFY, tell_owner, config_id)
    except Exception:  # noqa: BLE001 - logged as RQ would; the next change still notifies
        log.exception("Delivery %s failed", key[1:])
    finally:
        _running.discard(key)


def drain(app, timeout: float) -> bool:
    """Wait for this process's running attempts; False when some were still running."""
    pool = _pools.get(id(app))
    if pool is None:
        return True
    pool.join(timeout=timeout)
    return len(pool) == 0


def idle(app) -> bool:
    """Tell whether no attempt is running in this process."""
    pool = _pools.get(id(app))
    return pool is None or len(pool) == 0
