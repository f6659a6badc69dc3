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
        if outcome.degraded:
            return Verdict(Health.DEGRADED, 0, outcome.message)
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


# Push events that are stored but leave the status as it is.
UNCHANGING = ("start", "log")


def changes_status(outcome: Outcome) -> bool:
    """Tell whether a result speaks about the server's health (and so counts in its uptime)."""
    if outcome.kind is None:
        return True
    return outcome.kind not in UNCHANGING and not (outcome.details or {}).get("ignored")


def next_push_status(
    previous: str,
    failures: int,
    previous_message: str,
    outcome: Outcome,
    failure_threshold: int | None = 1,
    degraded_threshold_ms: int | None = None,
) -> Verdict:
    """Apply one push event: success/fail as a check; start, log and ignored pings change nothing.

    A missed deadline (`missed`) is late (degraded, while the server was up) at its first stage
    and down at its second (`details.stage`: `late` or `down`).
    """
    if not changes_status(outcome):
        return Verdict(previous, failures, previous_message)
    if outcome.kind == "missed":
        if (outcome.details or {}).get("stage") == "late":
            if previous in (Health.UP, Health.DEGRADED):
                return Verdict(Health.DEGRADED, failures, outcome.message)
            return Verdict(previous, failures, previous_message)
        return Verdict(Health.DOWN, (failures or 0) + 1, outcome.message)
    return next_status(previous, failures, outcome, failure_threshold, degraded_threshold_ms)
