"""What the probes of one process share: connection pools and TLS contexts, built once."""

from dataclasses import dataclass, field
from functools import cache

from config import Config
from pulseguard.checks.guard import Guard, guard_of
from pulseguard.checks.http import HttpProber
from pulseguard.checks.icmp import setting_of


@dataclass
class ProbeContext:
    """The shared resources a probe may use; one per check engine (or per process, by default)."""

    http: HttpProber = field(default_factory=HttpProber)
    guard: Guard = field(default_factory=Guard)  # TCP's; HttpProber holds the same one
    icmp_mode: str = "auto"  # ICMP_MODE (checks/icmp.py)

    @classmethod
    def of(cls, config, **http) -> "ProbeContext":
        """Build the context a config asks for: its guard, and an HttpProber that uses it."""
        guard = guard_of(config)
        icmp_mode = setting_of(config)
        return cls(guard=guard, http=HttpProber(guard=guard, **http), icmp_mode=icmp_mode)


@cache
def default_context() -> ProbeContext:
    """The process-wide context of probes run outside a check engine (CLI, tests)."""
    return ProbeContext.of(vars(Config))
