"""A Target: the plain, detached settings one check needs (no ORM object crosses a greenlet).

Every kind of monitor shares the fields here; what only one kind uses is its `options` (a frozen
dataclass of that kind, such as `HttpOptions`), and `probe` is the kind's probe function. Targets
are built by the registry of kinds (`pulseguard.kinds.target_of`), never by hand.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulseguard.checks.outcome import Outcome


@dataclass(frozen=True, slots=True)
class Target:
    """What to check and how."""

    id: int
    protocol: str
    host: str
    port: int | None
    timeout_s: float
    options: Any
    probe: Callable[["Target", Any], Outcome]  # called with the ProbeContext of checks/context
