"""Running probes concurrently on a gevent pool: a whole batch now, or each at its planned time."""

import logging
import time
from collections.abc import Callable

import gevent
from gevent.lock import BoundedSemaphore
from gevent.pool import Pool

from pulseguard.checks.context import ProbeContext
from pulseguard.checks.outcome import Outcome
from pulseguard.checks.probe import probe
from pulseguard.checks.target import Target

log = logging.getLogger(__name__)

# (target, planned unix time, started unix time, outcome)
Result = tuple[Target, float, float, Outcome]


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

    Waiting probes hold no slot: only running probes count against the concurrency limit.
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

    def submit(self, target: Target, planned: float) -> None:
        """Run the target's probe at the planned unix time (at once if that is past)."""
        self.pending += 1
        gevent.spawn_later(max(0.0, planned - time.time()), self._run, target, planned)

    def _run(self, target: Target, planned: float) -> None:
        # Yield once before probing. Probes due at the same moment (a mass outage's servers, all
        # planned at once) have their timers fire in one loop iteration, each running until it
        # first blocks; queued as callbacks instead, they are interleaved with other timers
        # (gevent breaks a callback run every switch interval). bench/notify/outage.py: check
        # interval p99 while notifying 545-566 -> 161-200 ms (bench/README.md, issue 15).
        gevent.sleep(0)
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
