"""The status state machine: from the previous status and one Outcome to the next status."""

from dataclasses import dataclass

from pulseguard.checks.outcome import Outcome
from pulseguard.models import Health


@dataclass(frozen=True, slots=True)
class Verdict:
    """A server's status after one check."""

    health: str
    consecutive_failures: int
    message: str


def next_status(
    previous: str,
    failures: int,
    outcome: Outcome,
    failure_threshold: int | None = 1,
    degraded_threshold_ms: int | None = None,
) -> Verdict:
    """Apply one check: down only after failure_threshold failures in a row; degraded when slow."""
    if outcome.ok:
        slow = (
            degraded_threshold_ms is not None
            and outcome.response_time_ms is not None
            and outcome.response_time_ms > degraded_threshold_ms
        )
        if slow:
            message = f"Slow: {outcome.response_time_ms:.0f} ms > {degraded_threshold_ms} ms"
            return Verdict(Health.DEGRADED, 0, message)
        return Verdict(Health.UP, 0, outcome.message or "OK")
    failures = (failures or 0) + 1
    threshold = max(1, failure_threshold or 1)
    if failures >= threshold:
        return Verdict(Health.DOWN, failures, outcome.message)
    # Not down yet: keep the previous status, but say what failed and how many times.
    return Verdict(previous, failures, f"{outcome.message} (failure {failures} of {threshold})")
