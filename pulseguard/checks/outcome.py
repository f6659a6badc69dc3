"""What one check found: the Outcome of a probe."""

from dataclasses import dataclass
from datetime import datetime

from pulseguard.states import CheckOutcome

SUCCESS, FAILURE, TIMEOUT, ERROR = (
    CheckOutcome.SUCCESS,
    CheckOutcome.FAILURE,
    CheckOutcome.TIMEOUT,
    CheckOutcome.ERROR,
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one probe; status is a CheckOutcome (success | failure | timeout | error)."""

    status: CheckOutcome
    response_time_ms: float | None
    status_code: int | None
    message: str
    tls_expires_at: datetime | None = None
    # What only some kinds report: details of the check (a JSON object, per kind: DNS answers,
    # ping RTTs, a push's exit code...), each assertion's verdict (a list), and for results that
    # are not probes (push pings, a missed deadline) their kind: start|success|fail|log|missed.
    details: dict | None = None
    assertions: list | None = None
    kind: str | None = None  # None: an active check (the API says "check")
    degraded: bool = False  # a success that is degraded all the same (icmp: packet loss)
    cert: dict | None = None  # an HTTPS check's peer certificate (checks/certificate.py)
    # How long the probe ran, whatever its outcome (set by checks.probe; None for push pings):
    # an error (DNS, refused, TLS) has no response time but still took time (metrics).
    duration_s: float | None = None

    @property
    def ok(self) -> bool:
        """True when the check passed every assertion."""
        return self.status == SUCCESS


def timed_out(timeout_s: float) -> Outcome:
    """Return the Outcome of a probe that did not finish within its timeout."""
    return Outcome(TIMEOUT, None, None, f"Timed out after {timeout_s:g}s")
