"""Running probes concurrently on a gevent pool: a whole batch now, or each at its planned time."""

import heapq
import itertools
import logging
import time
from collections.abc import Callable

import gevent
from gevent.event import Event
from gevent.lock import BoundedSemaphore
from gevent.pool import Pool

from pulseguard.checks.context import ProbeContext
from pulseguard.checks.outcome import Outcome
from pulseguard.checks.probe import probe
from pulseguard.checks.target import Target

log = logging.getLogger(__name__)

# (target, planned unix time, started unix time, outcome)
Result = tuple[Target, float, float, Outcome]
TICK_S = 0.005  # the clock wakes at most this often: probes due within a tick start together


def run_batch(
    targets: list[Target], pool_size: int = 100, context: ProbeContext | None = None
) -> list[Result]:
    """Probe every target now, pool_size at a time; return results in the targets' order."""
    planned = time.time()

    def one(target: Target) -> Result:
        started = time.time()
        return target, planned, started, probe(target, context)

    return list(Pool(max(1, pool_size)).imap(one, targets))


class ScheduledRunner:
    """Starts each probe at its planned time and hands each result to a callback.

    Waiting probes hold no slot: only running probes count against the concurrency limit. One
    clock greenlet keeps the waiting probes in a heap and wakes at most every TICK_S to start
    those due: one timer a tick instead of one per probe (a timer and a greenlet switch per
    probe were most of the gevent hub's share of a worker, bench/scaleout/README.md). A probe
    never starts before its planned time, and at most a tick after it (plus the loop's own
    latency). The clock exits when nothing waits; the next submit starts it again.
    """

    def __init__(
        self,
        on_result: Callable[[Result], None],
        concurrency: int = 100,
        context: ProbeContext | None = None,
    ):
        self.on_result, self.context = on_result, context
        self.slots = BoundedSemaphore(max(1, concurrency))
        self.pending = 0
        self.waiting: list[tuple[float, int, Target]] = []  # heap of (planned, order, target)
        self.order = itertools.count()  # submission order among probes planned at one instant
        self.clock: gevent.Greenlet | None = None
        self.wake_at = 0.0  # when the clock wakes next (0: it is starting probes now)
        self.ticked_at = 0.0  # when the clock last started probes
        self.earlier = Event()  # set when a probe is due before wake_at

    def submit(self, target: Target, planned: float) -> None:
        """Run the target's probe at the planned unix time (at once if that is past)."""
        self.pending += 1
        heapq.heappush(self.waiting, (planned, next(self.order), target))
        if self.clock is None:
            self.clock = gevent.spawn(self._clock)
        elif planned < self.wake_at:
            self.earlier.set()

    def _clock(self) -> None:
        try:
            while self.waiting:
                now = time.time()
                if self.waiting[0][0] <= now:
                    self.ticked_at = now
                while self.waiting and self.waiting[0][0] <= now:
                    planned, _order, target = heapq.heappop(self.waiting)
                    # A greenlet's start is a loop callback: probes due at one instant (a mass
                    # outage's) interleave with other timers instead of running in one loop
                    # iteration (bench/notify/outage.py, bench/README.md issue 15).
                    gevent.spawn(self._run, target, planned)
                if not self.waiting:
                    break
                self.wake_at = max(self.waiting[0][0], self.ticked_at + TICK_S)
                self.earlier.clear()
                self.earlier.wait(self.wake_at - now)
                self.wake_at = 0.0
        finally:
            self.clock = None

    def _run(self, target: Target, planned: float) -> None:
        try:
            with self.slots:
                started = time.time()
                outcome = probe(target, self.context)
            self.on_result((target, planned, started, outcome))
        except Exception:  # noqa: BLE001 - one lost result must not kill the runner
            log.exception("Recording the check of server %s failed", target.id)
        finally:
            self.pending -= 1

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no probe is pending; False when the timeout ran out first."""
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            gevent.sleep(0.05)
        return not self.pending
