"""The one writer of a process: collects finished checks and records them in batches.

Probes finish one by one; recording each alone would cost a transaction per check. The writer waits
up to `max_delay` seconds (or `max_batch` results) and records what it has in one transaction. Being
the only greenlet that records, it also keeps SQLite's single-writer rule in the embedded mode.
"""

import logging
import time
from datetime import UTC, datetime

import gevent
from gevent.queue import Empty, Queue
from sqlalchemy import select, tuple_
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from pulseguard.checks.runner import Result
from pulseguard.extensions import db
from pulseguard.models import PingResult
from pulseguard.monitoring.record import record_results

log = logging.getLogger(__name__)
RETRY_FOR_S = 60.0  # a database that is away longer than this costs the batch (logged)


class ResultWriter:
    """Records results handed to put() in batches, from its own greenlet."""

    def __init__(self, app, max_batch: int = 500, max_delay: float = 0.25, on_done=None):
        self.app, self.max_batch, self.max_delay = app, max_batch, max_delay
        self.on_done = on_done  # called with each batch once recorded (or given up)
        self.queue: Queue = Queue()
        self.holding = 0  # results taken off the queue and not yet recorded (the batch in hand)
        self.recorded = 0
        self.greenlet = gevent.spawn(self._loop)

    def put(self, result: Result) -> None:
        """Hand over one finished check."""
        self.queue.put(result)

    def idle(self) -> bool:
        """True when nothing is waiting to be recorded."""
        return self.pending() == 0

    def pending(self) -> int:
        """Results handed over and not recorded yet: those queued and the batch in hand."""
        return self.queue.qsize() + self.holding

    def _loop(self) -> None:
        while True:
            batch = [self.queue.get()]
            self.holding = 1  # counted from the moment it leaves the queue
            deadline = time.monotonic() + self.max_delay
            while len(batch) < self.max_batch:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(self.queue.get(timeout=remaining))
                except Empty:
                    break
                self.holding = len(batch)
            try:
                self._flush(batch)
                if self.on_done is not None:
                    self.on_done(batch)
            finally:
                self.holding = 0

    def _flush(self, batch: list[Result]) -> None:
        """Record a batch; while the database is away (restart, cut connection), retry it."""
        deadline, pause, attempt = time.monotonic() + RETRY_FOR_S, 0.25, 0
        with self.app.app_context():
            while True:
                attempt += 1
                try:
                    if attempt == 1 or not already_recorded(batch):
                        record_results(batch, once=True)
                    self.recorded += len(batch)
                    return
                except Exception as error:  # noqa: BLE001 - keep recording later batches
                    db.session.rollback()
                    if not transient(error) or time.monotonic() > deadline:
                        log.exception("Recording %d check results failed", len(batch))
                        return
                    log.warning("Recording %d results failed (%s); retrying", len(batch), error)
                    gevent.sleep(pause)
                    pause = min(pause * 2, 5.0)


def transient(error: Exception) -> bool:
    """Tell whether a database error may pass by itself (lost connection, server restarting)."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def already_recorded(batch: list[Result]) -> bool:
    """Tell whether a batch whose commit failed was committed after all (the reply was lost).

    Results are stamped with their start time to the microsecond: finding any of them means the
    transaction, which writes the whole batch or nothing, went through.
    """
    keys = [(target.id, datetime.fromtimestamp(started, UTC)) for target, _, started, _ in batch]
    stmt = select(PingResult.id).where(
        tuple_(PingResult.server_id, PingResult.checked_at).in_(keys[:50])
    )
    try:
        return db.session.scalar(stmt.limit(1)) is not None
    finally:
        db.session.rollback()
