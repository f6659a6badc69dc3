"""The one writer of a process: collects finished checks and records them in batches.

Probes finish one by one; recording each alone would cost a transaction per check. The writer waits
up to `max_delay` seconds (or `max_batch` results) and records what it has in one transaction. Being
the only greenlet that records, it also keeps SQLite's single-writer rule in the embedded mode.
"""

import logging
import time

import gevent
from gevent.queue import Empty, Queue

from pulseguard.checks.runner import Result
from pulseguard.extensions import db
from pulseguard.monitoring.record import record_results

log = logging.getLogger(__name__)


class ResultWriter:
    """Records results handed to put() in batches, from its own greenlet."""

    def __init__(self, app, max_batch: int = 500, max_delay: float = 0.25):
        self.app, self.max_batch, self.max_delay = app, max_batch, max_delay
        self.queue: Queue = Queue()
        self.busy = False
        self.recorded = 0
        self.greenlet = gevent.spawn(self._loop)

    def put(self, result: Result) -> None:
        """Hand over one finished check."""
        self.queue.put(result)

    def idle(self) -> bool:
        """True when nothing is waiting to be recorded."""
        return self.queue.empty() and not self.busy

    def _loop(self) -> None:
        while True:
            batch = [self.queue.get()]
            self.busy = True
            deadline = time.monotonic() + self.max_delay
            while len(batch) < self.max_batch:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(self.queue.get(timeout=remaining))
                except Empty:
                    break
            self._flush(batch)
            self.busy = False

    def _flush(self, batch: list[Result]) -> None:
        with self.app.app_context():
            try:
                record_results(batch)
                self.recorded += len(batch)
            except Exception:  # noqa: BLE001 - keep recording later batches
                log.exception("Recording %d check results failed", len(batch))
                db.session.rollback()
