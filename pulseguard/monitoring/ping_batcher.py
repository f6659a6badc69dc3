"""Group commit of push pings: pings that arrive together are recorded in one transaction.

Recording a ping alone costs a transaction, an uptime read, a metrics round trip and a publish;
at hundreds of pings a second that is most of the work. Each web process has one batcher
greenlet (started with its first ping): a request hands its ping over and waits for the answer,
and the batcher records what arrived within `PUSH_BATCH_DELAY_S` (at most `PUSH_BATCH_SIZE`)
through `receive_many`, after counting them against PUSH_RATE_LIMIT (monitoring/push_limit.py:
one Redis round trip per batch; a ping over the limit is answered with its wait and not
recorded). Being the only greenlet of the process that records pings, it also keeps SQLite's
single-writer rule.
"""

import logging
import time

import gevent
from gevent.event import AsyncResult
from gevent.queue import Empty, Queue

from pulseguard.extensions import db
from pulseguard.monitoring.pings import Answer, Finder, Ping, receive_many
from pulseguard.monitoring.push_limit import retry_afters

log = logging.getLogger(__name__)
WAIT_S = 30.0  # a request waits this long for its batch before giving up


class PingBatcher:
    """Records the pings handed to submit() in batches, from its own greenlet."""

    def __init__(self, app, max_batch: int = 200, max_delay: float = 0.002):
        self.app, self.max_batch, self.max_delay = app, max_batch, max_delay
        self.queue: Queue = Queue()
        self.greenlet = gevent.spawn(self._loop)

    def submit(self, finder: Finder, ping: Ping) -> Answer | None:
        """Record one ping to the server the finder names; wait for and return its answer."""
        done: AsyncResult = AsyncResult()
        self.queue.put((finder, ping, done))
        return done.get(timeout=WAIT_S)

    def _loop(self) -> None:
        while True:
            batch = [self.queue.get()]
            deadline = time.monotonic() + self.max_delay
            while len(batch) < self.max_batch:
                try:
                    batch.append(self.queue.get(timeout=max(0.0, deadline - time.monotonic())))
                except Empty:
                    break
            self._record(batch)

    def _record(self, batch) -> None:
        with self.app.app_context():
            try:
                answers = _limited_then_received(batch)
            except Exception as error:  # noqa: BLE001 - each waiting request answers 500
                db.session.rollback()
                log.exception("Recording %d pings failed", len(batch))
                for *_item, done in batch:
                    done.set_exception(error)
                return
            finally:
                db.session.remove()
        for (*_item, done), answer in zip(batch, answers, strict=True):
            done.set(answer)


def _limited_then_received(batch) -> list[Answer | None]:
    """Answer the pings over PUSH_RATE_LIMIT with their wait; record the others."""
    waits = retry_afters([repr(finder.ref) for finder, _ping, _done in batch])
    passed = [(f, p) for (f, p, _done), wait in zip(batch, waits, strict=True) if wait is None]
    received = iter(receive_many(passed) if passed else [])
    return [next(received) if wait is None else Answer(retry_after=wait) for wait in waits]


def batcher_of(app) -> PingBatcher:
    """The process's batcher, started with the first ping."""
    batcher = app.extensions.get("pulseguard_ping_batcher")
    if batcher is None or batcher.greenlet.dead:
        batcher = PingBatcher(app, app.config["PUSH_BATCH_SIZE"], app.config["PUSH_BATCH_DELAY_S"])
        app.extensions["pulseguard_ping_batcher"] = batcher
    return batcher
