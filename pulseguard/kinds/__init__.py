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


def foreign_fields(protocol: str, data: dict, stored) -> dict[str, list[str]]:
    """Refuse the fields of other kinds (HTTP's path, method, keyword, assertions...) given to
    this one (API-NEXT §0), at the field. A value equal to the field's default, or to what the
    server already stores, passes: the body a GET answered (which lists every field) can be
    sent back as it is, and a server that changed kind keeps its old settings unused."""
    kind = KINDS[protocol]
    own = set(kind.settings._declared_fields) if kind.settings else set()
    errors: dict[str, list[str]] = {}
    for name, field in _kind_fields().items():
        if name in own or name not in data:
            continue
        default = field.load_default() if callable(field.load_default) else field.load_default
        if data[name] not in (default, getattr(stored, name, None)):
            errors[field.data_key or name] = [f"Not allowed for protocol '{protocol}'."]
    return errors


def _kind_fields() -> dict:
    """The top-level (column) fields some kind declares; nested blocks are not among them."""
    return {
        name: field
        for kind in KINDS.values()
        if kind.settings
        for name, field in kind.settings._declared_fields.items()
        if not (field.attribute or "").startswith("settings.")
    }


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
    "foreign_fields",
    "get",
    "names",
    "probe_columns",
    "target_of",
]
