"""The guard against internal targets: which addresses checks and notifications may connect to.

One policy for every outgoing connection a user can aim (checks, webhooks, Apprise channels):
an address is refused when it lies in a TARGET_DENY_NETWORKS network and in no
TARGET_ALLOW_NETWORKS network. Both settings are comma-separated CIDRs or group names (GROUPS).
The default denies link-local (where cloud metadata answers), 0.0.0.0/8 and the other metadata
addresses; loopback and private ranges stay allowed, because a self-hosted monitor watches
private servers (add `private,loopback` to deny them).

Names are resolved once, every resolved address is checked, and the connection goes to a checked
address, never to a second lookup of the name (so DNS rebinding cannot swap it). Literal
addresses are also refused when a definition is saved (`refusal`).
"""

import ipaddress
import socket
from functools import cache

from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError, NewConnectionError

GROUPS = {
    "default": (
        "169.254.0.0/16",  # IPv4 link-local: AWS, GCP, Azure, OpenStack metadata (169.254.169.254)
        "fe80::/10",  # IPv6 link-local
        "0.0.0.0/8",  # "this network": 0.0.0.0 reaches the host itself
        "::/128",
        "100.100.100.200/32",  # Alibaba Cloud metadata
        "fd00:ec2::254/128",  # AWS metadata over IPv6
    ),
    "loopback": ("127.0.0.0/8", "::1/128"),
    "private": ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"),
    "none": (),  # TARGET_DENY_NETWORKS=none turns the guard off
}
DENY_SETTING, ALLOW_SETTING = "TARGET_DENY_NETWORKS", "TARGET_ALLOW_NETWORKS"


class TargetBlockedError(OSError):
    """Every address of a target is refused by the guard."""


def parse_networks(setting: str, text: str | None) -> tuple:
    """Return the networks a setting lists (CIDRs and group names); ValueError names the setting."""
    networks = []
    for item in (part.strip() for part in (text or "").split(",")):
        if not item:
            continue
        try:
            cidrs = GROUPS.get(item.lower(), (item,))
            networks += [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]
        except ValueError:
            groups = ", ".join(GROUPS)
            raise ValueError(f"{setting}: {item!r} is neither a CIDR nor one of {groups}") from None
    return tuple(networks)


class Guard:
    """The policy: refused networks, and the exceptions carved out of them."""

    def __init__(self, deny: tuple = (), allow: tuple = ()):
        self.deny, self.allow = deny, allow

    def refusal(self, address: str) -> str | None:
        """Return why an IP address may not be connected to, or None."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return None  # a name: checked once resolved
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        denied = next((net for net in self.deny if ip.version == net.version and ip in net), None)
        if denied is None or any(ip.version == net.version and ip in net for net in self.allow):
            return None
        return f"Blocked: {ip} is in {DENY_SETTING} ({denied}); see {ALLOW_SETTING}"

    def addresses(self, host: str, port: int | None) -> list[str]:
        """Resolve a host; return its allowed addresses, or raise TargetBlockedError or gaierror."""
        host = host.strip("[]")
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        allowed, refused = [], None
        for *_, address in infos:
            ip = str(address[0])
            why = self.refusal(ip)
            if why is not None:
                refused = refused or why
            elif ip not in allowed:
                allowed.append(ip)
        if not allowed:
            raise TargetBlockedError(refused or f"No address for {host}")
        return allowed

    def connect(self, host: str, port: int, timeout: float) -> socket.socket:
        """Open a TCP connection to the first allowed address of host that answers."""
        error: OSError | None = None
        for address in self.addresses(host, port):
            try:
                return socket.create_connection((address, port), timeout=timeout)
            except OSError as exc:
                error = exc
        raise error or OSError(f"Could not connect to {host}")


@cache
def guard_for(deny: str | None, allow: str | None) -> Guard:
    """Return the Guard of these settings (one per process and settings)."""
    return Guard(parse_networks(DENY_SETTING, deny), parse_networks(ALLOW_SETTING, allow))


def guard_of(config) -> Guard:
    """Return the Guard of a config mapping (app.config, or a dict with the two settings)."""
    return guard_for(config.get(DENY_SETTING, "default"), config.get(ALLOW_SETTING))


class BlockedConnectionError(NewConnectionError):
    """urllib3's view of a refused target: a connection error that is never retried."""

    def __init__(self, conn, message):
        super().__init__(conn, message)
        self.blocked = message


class GuardedConnection:
    """A urllib3 connection that connects only to addresses the guard allows."""

    guard: Guard

    def _new_conn(self):
        host = self._dns_host  # type: ignore[has-type]
        try:
            addresses = self.guard.addresses(host, self.port)  # type: ignore[attr-defined]
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[attr-defined,arg-type]
        except TargetBlockedError as exc:
            raise BlockedConnectionError(self, str(exc)) from exc
        error = None
        try:
            for address in addresses:
                self._dns_host = address
                try:
                    return super()._new_conn()  # type: ignore[misc]
                except NewConnectionError as exc:
                    error = exc
            raise error  # type: ignore[misc]
        finally:
            self._dns_host = host


def guard_pools(manager, guard: Guard):
    """Make a urllib3 PoolManager (or requests' adapter's) connect through the guard; return it."""
    if not guard.deny:
        return manager
    classes = {}
    for scheme, default in (("http", HTTPConnectionPool), ("https", HTTPSConnectionPool)):
        pool = manager.pool_classes_by_scheme.get(scheme, default)  # kept: e.g. http.py's
        connection = pool.ConnectionCls
        guarded = type(
            f"Guarded{connection.__name__}", (GuardedConnection, connection), {"guard": guard}
        )
        classes[scheme] = type(f"Guarded{pool.__name__}", (pool,), {"ConnectionCls": guarded})
    manager.pool_classes_by_scheme = classes
    return manager
