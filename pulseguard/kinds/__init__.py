"""The registry of monitor kinds: one entry per value of a server's `protocol`.

Each kind is one module of this package declaring a `Kind` (kinds/kind.py says what it holds):
its settings schema, its probe (or none, for a passive kind), and how messages name its target.
Adding a kind is one module, one line in KINDS, and its tests; the API (schemas, validation, the
OpenAPI document), the check engine, notifications and the dashboard's form all read this registry.
"""

from types import SimpleNamespace

from pulseguard.checks.target import Target
from pulseguard.kinds import dns, http, icmp, push, tcp
from pulseguard.kinds.kind import COMMON_COLUMNS, Kind

KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (http.HTTPS, http.HTTP, tcp.TCP, dns.DNS, icmp.ICMP, push.PUSH)
}


def get(name: str) -> Kind:
    """Return the kind of a protocol name; KeyError for an unknown one."""
    return KINDS[name]


def names() -> list[str]:
    """Every protocol name, in the registry's order (the first is the default)."""
    return list(KINDS)


def active_names() -> list[str]:
    """The protocols PulseGuard probes (the dispatcher claims only these)."""
    return [kind.name for kind in KINDS.values() if kind.active]


def probe_columns() -> list[str]:
    """Every Server column that some kind's Target is built from."""
    extra = [c for kind in KINDS.values() for c in kind.columns if c not in COMMON_COLUMNS]
    return [*COMMON_COLUMNS, *dict.fromkeys(extra)]


def target_of(row) -> Target:
    """Build the Target of a Server row (or Server object) through its kind."""
    return KINDS[row.protocol].target(row)


def describe(server) -> str:
    """Name what a server's check reaches, as its kind writes it."""
    kind = KINDS[server.protocol]
    return kind.describe(kind.target(server))


def draft_target(protocol: str, **values) -> Target:
    """Build a Target from Server attribute values; the others take the API's defaults."""
    kind = KINDS[protocol]
    defaults = kind.settings().load({}) if kind.settings else {}
    common: dict = {"id": 0, "port": kind.default_port, "timeout_s": 10.0, "settings": {}}
    return kind.target(SimpleNamespace(**(common | defaults | values | {"protocol": protocol})))


__all__ = [
    "KINDS",
    "Kind",
    "active_names",
    "describe",
    "draft_target",
    "get",
    "names",
    "probe_columns",
    "target_of",
]
