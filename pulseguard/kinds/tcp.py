"""TCP: can a connection to host:port be opened within the timeout? (probe in checks/tcp.py)"""

from pulseguard.checks.target import Target
from pulseguard.checks.tcp import probe_tcp
from pulseguard.kinds.kind import Kind


def describe(target: Target) -> str:
    """Name a TCP target the way people write it."""
    host = f"[{target.host}]" if ":" in target.host else target.host
    return f"tcp://{host}:{target.port}"


def check(server, _data) -> dict[str, list[str]]:
    """A TCP server needs a port: there is no default."""
    return {} if server.port else {"port": ["Required for tcp servers."]}


TCP = Kind(
    name="tcp",
    label="TCP",
    options=lambda row: None,
    describe=describe,
    probe=probe_tcp,
    check=check,
)
