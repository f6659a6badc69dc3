"""The heartbeat of a worker's lease: a native thread that renews it every fifth of the lease.

A greenlet renewing a short lease can be starved: a long stretch of Python on the event loop
(recording a batch, parsing a dispatch) on a CPU-bound worker, and the lease lapses under a live
worker, which loses its claims to another (each then probed twice, recorded once). The thread
gets the interpreter within the switch interval (5 ms) whatever the loop does. It renews only
while the engine's event loop shows signs of life (the keeper greenlet's tick, within
HUB_STALL_S): an engine whose loop is stuck for good hands its claims over as a dead one does.
A renewal later than half a lease is logged: the margin left before the others take over.
"""

import logging
import time

from gevent.threadpool import ThreadPool

from pulseguard.jobs.leases import Leases

log = logging.getLogger(__name__)
HUB_STALL_S = 5.0


class Heartbeat:
    """Renews leases.renew() every every_s in a thread of its own until stop()."""

    def __init__(self, leases: Leases, every_s: float):
        self.leases, self.every_s = leases, every_s
        self.loop_tick = time.monotonic()  # set by the keeper greenlet on each of its ticks
        self.stopped = False
        self.pool = ThreadPool(1)
        self.pool.spawn(self.run)

    def run(self) -> None:
        last = time.monotonic()
        while not self.stopped:
            now = time.monotonic()
            try:
                if now - self.loop_tick < HUB_STALL_S and self.leases.renew():
                    if now - last > self.leases.lease_s / 2:
                        log.warning("Check lease renewed %.2f s after the last one", now - last)
                    last = now
            except Exception:  # noqa: BLE001 - the thread must outlive a bad beat
                log.exception("The check lease's heartbeat failed")
            time.sleep(max(0.0, self.every_s - (time.monotonic() - now)))

    def beat(self) -> None:
        """The event loop is alive (the keeper's tick)."""
        self.loop_tick = time.monotonic()

    def stop(self) -> None:
        self.stopped = True
        self.pool.kill()
