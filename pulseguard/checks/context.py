"""What the probes of one process share: connection pools and TLS contexts, built once."""

from dataclasses import dataclass, field
from functools import cache

from pulseguard.checks.http import HttpProber


@dataclass
class ProbeContext:
    """The shared resources a probe may use; one per check engine (or per process, by default)."""

    http: HttpProber = field(default_factory=HttpProber)


@cache
def default_context() -> ProbeContext:
    """The process-wide context of probes run outside a check engine (CLI, tests)."""
    return ProbeContext()
