"""One check of one target, whatever its kind, bounded by its timeout."""

import logging
import time
from dataclasses import replace

import gevent

from pulseguard.checks.context import ProbeContext, default_context
from pulseguard.checks.outcome import ERROR, Outcome, timed_out
from pulseguard.checks.target import Target

log = logging.getLogger(__name__)


class _DeadlineError(Exception):
    """Raised in a probe's greenlet when its timeout is over."""


def probe(target: Target, context: ProbeContext | None = None) -> Outcome:
    """Check a target with its kind's probe; never raises, never outlives its timeout."""
    started = time.perf_counter()
    outcome = _bounded(target, context)
    return replace(outcome, duration_s=time.perf_counter() - started)


def _bounded(target: Target, context: ProbeContext | None) -> Outcome:
    deadline = gevent.Timeout(target.timeout_s, _DeadlineError)
    deadline.start()
    try:
        return target.probe(target, context or default_context())
    except _DeadlineError:
        return timed_out(target.timeout_s)
    except Exception as exc:  # noqa: BLE001 - a broken probe is a failed check, not a crash
        log.exception("Probe of server %s failed unexpectedly", target.id)
        return Outcome(ERROR, None, None, f"Probe error: {type(exc).__name__}")
    finally:
        deadline.close()
