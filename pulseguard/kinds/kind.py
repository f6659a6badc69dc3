"""What a kind of monitor declares: its settings, its probe, and how messages name its target."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema

from pulseguard.checks.outcome import Outcome
from pulseguard.checks.target import Target


def block_settings(server, block: str, defaults: Mapping[str, Any]) -> dict:
    """A kind's own settings block of a server (a Server, a row or its dict), with defaults."""
    stored = server.get("settings") if isinstance(server, dict) else server.settings
    return dict(defaults) | dict((stored or {}).get(block) or {})


# Server columns every kind's Target is built from; a kind lists the other columns it reads.
COMMON_COLUMNS = ("id", "protocol", "host", "port", "timeout_s", "settings")


@dataclass(frozen=True)
class Kind:
    """One kind of monitor: the value of a server's `protocol`.

    - `settings`: a marshmallow schema of the API fields only this kind uses. Top-level fields are
      Server columns (HTTP's `path`, `method`...); a kind that needs its own settings declares one
      nested object named after it (`block`, e.g. `dns`), loaded into `Server.settings[block]`
      (declare the field with `attribute="settings.<block>"`), so a new kind needs no new column.
    - `options(row)`: the probe's own settings (a frozen dataclass) from a Server row that holds
      COMMON_COLUMNS and `columns`.
    - `probe(target, context)`: one check, returning an Outcome; None for a passive kind whose
      results arrive by themselves (push). Passive servers are never claimed by the dispatcher.
    - `describe(target)`: how notifications and logs name what is checked (`tcp://db:5432`).
    - `check(server, data)`: rules across fields, on the Server after a create or an edit (data:
      the validated input, defaults included); returns {field: [messages]} (empty: valid). When
      valid it may complete what the kind keeps of its own (push: its block's defaults, its
      PushMonitor row), in the same transaction.
    - `needs_host`: False for a kind whose servers have no host (push).
    - `form`: the dashboard template with the kind's own form fields, or None.
    - `budget(row)`: how long one probe may take in all, when it is not `timeout` (icmp: count x
      interval + the wait for the last reply); None: the server's timeout.
    - `unavailable()`: why no live worker can check this kind now (icmp: none can send ICMP),
      or None; a server that becomes of this kind is then refused with 422 at `protocol`.
    """

    name: str
    label: str
    options: Callable[[Any], Any]
    describe: Callable[[Target], str]
    probe: Callable[[Target, Any], Outcome] | None = None
    settings: type[Schema] | None = None
    columns: tuple[str, ...] = ()
    block: str | None = None
    default_port: int | None = None
    check: Callable[[Any, dict], Mapping[str, list[str]]] = field(default=lambda server, data: {})
    form: str | None = None
    needs_host: bool = True
    budget: Callable[[Any], float] | None = None
    unavailable: Callable[[], str | None] | None = None

    @property
    def active(self) -> bool:
        """True when PulseGuard probes it (False: results arrive by themselves)."""
        return self.probe is not None

    def target(self, row) -> Target:
        """Build the Target of a Server row (or any object with the same attributes)."""
        return Target(
            id=row.id,
            protocol=self.name,
            host=row.host,
            port=row.port,
            timeout_s=self.budget(row) if self.budget else float(row.timeout_s or 10.0),
            options=self.options(row),
            probe=self.probe or _passive,
        )


def _passive(target: Target, _context) -> Outcome:
    raise RuntimeError(f"Server {target.id} is of a passive kind: it is never probed")
