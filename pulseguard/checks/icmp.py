"""The ICMP probe: echo requests to a host, judged by loss and round-trip time (API-NEXT §1.4).

icmplib lives behind this module only. Its quirks, handled here (API-NEXT §8):
- `privileged=True` is its default (raw sockets: root or CAP_NET_RAW); unprivileged datagram
  sockets need the process's GID inside `net.ipv4.ping_group_range`, which a bare host may set to
  `1 0` (nobody, not even root). `mode()` decides once per process what works (ICMP_MODE:
  `auto` tries unprivileged first, then raw), and a process that can do neither says so in each
  result ("ICMP not permitted on worker <name>") and in /readyz, never by crashing;
- its `ping()` is synchronous socket code, cooperative under gevent because PulseGuard's processes
  import it after `monkey.patch_all()`; its asyncio `multiping` is never used. `ping(count=n)`
  waits for each reply before the next request, so a lost packet holds the next one back by the
  whole timeout: here each request is its own one-packet `ping()` in its own greenlet, started
  `interval` apart, so a run takes (count - 1) x interval + at most one timeout, as API-NEXT §1.4
  reckons it (each call has its own socket and identifier, so replies are matched exactly);
- a name that does not resolve raises `NameLookupError`: here names are resolved by the guard
  (checks/guard.py) instead, so that a refused address is never pinged.
"""

import ipaddress
import os
import socket
import statistics
from dataclasses import dataclass
from functools import cache

import gevent
import icmplib

from pulseguard.checks.guard import Guard, TargetBlockedError
from pulseguard.checks.outcome import ERROR, SUCCESS, TIMEOUT, Outcome
from pulseguard.checks.target import Target

MODES = ("auto", "unprivileged", "privileged")
FAMILIES = ("auto", "ipv4", "ipv6")


@dataclass(frozen=True, slots=True)
class IcmpOptions:
    """The settings of an icmp check (`Target.options` of the icmp kind)."""

    count: int = 3
    interval: float = 0.5
    payload_size: int = 56
    family: str = "auto"
    down_loss_pct: int = 100
    degraded_loss_pct: int | None = None
    reply_timeout: float = 2.0  # the server's `timeout`: the wait for each reply


def worker_name() -> str:
    """How results and /readyz name this process: host name and pid."""
    return f"{socket.gethostname()}-{os.getpid()}"


def _can_open(kind: int) -> bool:
    try:
        socket.socket(socket.AF_INET, kind, socket.IPPROTO_ICMP).close()
    except OSError:
        return False
    return True


def setting_of(config) -> str:
    """A config's ICMP_MODE (auto, unprivileged or privileged); `auto` when unset or empty."""
    return config.get("ICMP_MODE") or "auto"


@cache
def mode(setting: str = "auto") -> str | None:
    """What this process can send: `unprivileged`, `privileged` (raw sockets), or None."""
    if setting in ("auto", "unprivileged") and _can_open(socket.SOCK_DGRAM):
        return "unprivileged"
    if setting in ("auto", "privileged") and _can_open(socket.SOCK_RAW):
        return "privileged"
    return None


def capability(setting: str = "auto") -> dict:
    """This process's ICMP capability, as /readyz shows it."""
    found = mode(setting)
    if found is None:
        hint = "set net.ipv4.ping_group_range or run with CAP_NET_RAW"
        return {"icmp": False, "mode": setting, "message": f"Cannot send ICMP: {hint}"}
    return {"icmp": True, "mode": found}


def address_of(host: str, family: str, guard: Guard) -> str:
    """The first allowed address of host in the wanted family (TargetBlockedError, gaierror)."""
    addresses = guard.addresses(host, None)
    versions = {"ipv4": 4, "ipv6": 6}
    wanted = [a for a in addresses if family == "auto" or _version(a) == versions[family]]
    if not wanted:
        raise TargetBlockedError(f"No {family} address for {host}")
    return wanted[0]


def _version(address: str) -> int:
    return ipaddress.ip_address(address.split("%", 1)[0]).version


def judge(options: IcmpOptions, address: str, sent: int, rtts: list[float]) -> Outcome:
    """Turn the round-trip times of the replies (ms) into an Outcome."""
    received = len(rtts)
    loss = round(100.0 * (sent - received) / sent, 1) if sent else 100.0
    pairs = zip(rtts, rtts[1:], strict=False)
    jitter = statistics.mean(abs(b - a) for a, b in pairs) if received > 1 else 0.0
    avg = round(statistics.mean(rtts), 3) if rtts else None
    details: dict = {
        "address": address,
        "sent": sent,
        "received": received,
        "loss_pct": loss,
        "min_ms": round(min(rtts), 3) if rtts else None,
        "avg_ms": avg,
        "max_ms": round(max(rtts), 3) if rtts else None,
        "jitter_ms": round(jitter, 3) if rtts else None,
    }
    summary = f"{received}/{sent} replies ({loss:g}% loss)"
    if loss >= options.down_loss_pct:
        return Outcome(TIMEOUT, avg, None, f"{summary} from {address}", details=details)
    degraded = options.degraded_loss_pct
    if degraded is not None and loss >= degraded:  # a success, yet degraded
        message = f"Packet loss {loss:g}% (degraded at {degraded}%)"
        return Outcome(SUCCESS, avg, None, message, details=details, degraded=True)
    return Outcome(SUCCESS, avg, None, "OK" if not loss else summary, details=details)


def probe_icmp(target: Target, context=None) -> Outcome:
    """Ping the target `count` times; never raises for network or permission problems."""
    options: IcmpOptions = target.options  # target.timeout_s: the whole run (kinds/icmp.py)
    setting = getattr(context, "icmp_mode", "auto")
    guard = getattr(context, "guard", None) or Guard()
    try:
        address = address_of(target.host, options.family, guard)
    except TargetBlockedError as blocked:
        return Outcome(ERROR, None, None, str(blocked))
    except (socket.gaierror, UnicodeError):
        return Outcome(ERROR, None, None, "Cannot resolve host")
    found = mode(setting)
    if found is None:
        return Outcome(ERROR, None, None, f"ICMP not permitted on worker {worker_name()}")
    privileged = found == "privileged"
    greenlets = [
        gevent.spawn_later(n * options.interval, _echo, address, options, privileged)
        for n in range(options.count)
    ]
    gevent.joinall(greenlets)
    failures = [g.value for g in greenlets if isinstance(g.value, str)]
    if failures and len(failures) == len(greenlets):
        return Outcome(ERROR, None, None, failures[0])
    return judge(options, address, options.count, [g.value for g in greenlets if g.value])


def _echo(address: str, options: IcmpOptions, privileged: bool) -> float | str | None:
    """One echo request: its RTT in ms, None when lost, or why it could not be sent."""
    try:
        host = icmplib.ping(
            address,
            count=1,
            timeout=options.reply_timeout,
            privileged=privileged,
            payload_size=options.payload_size,
        )
    except icmplib.SocketPermissionError:
        return f"ICMP not permitted on worker {worker_name()}"
    except (icmplib.ICMPLibError, OSError) as exc:
        return f"ICMP error: {exc}"[:500]
    return host.rtts[0] if host.rtts else None
