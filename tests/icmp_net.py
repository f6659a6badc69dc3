"""A network namespace behind a veth pair, for ICMP tests: one address answers, one never does.

Needs root (CI runs as root); `netns()` returns None where namespaces cannot be made, and the
tests that need it skip loudly.
"""

import subprocess
import uuid
from dataclasses import dataclass


@dataclass
class Netns:
    name: str
    host_if: str
    answering: str  # the namespace's own address: replies to every echo request
    silent: str  # an address on the link that nobody holds: every echo request is lost


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=10)


def netns() -> Netns | None:
    """Make a namespace 10.213.x.2/29 reachable from here; None when this is not permitted."""
    tag = uuid.uuid4().hex[:6]
    third = int(tag[:2], 16)
    ns = Netns(f"pgicmp{tag}", f"pgi{tag}", f"10.213.{third}.2", f"10.213.{third}.3")
    try:
        _run("ip", "netns", "add", ns.name)
        _run("ip", "link", "add", ns.host_if, "type", "veth", "peer", "name", f"pgn{tag}")
        _run("ip", "link", "set", f"pgn{tag}", "netns", ns.name)
        _run("ip", "addr", "add", f"10.213.{third}.1/29", "dev", ns.host_if)
        _run("ip", "link", "set", ns.host_if, "up")
        _run(
            "ip",
            "netns",
            "exec",
            ns.name,
            "ip",
            "addr",
            "add",
            f"{ns.answering}/29",
            "dev",
            f"pgn{tag}",
        )
        _run("ip", "netns", "exec", ns.name, "ip", "link", "set", f"pgn{tag}", "up")
        _run("ip", "netns", "exec", ns.name, "ip", "link", "set", "lo", "up")
    except (OSError, subprocess.SubprocessError):
        remove(ns)
        return None
    return ns


def remove(ns: Netns) -> None:
    """Delete the namespace and its link (the veth pair goes with it)."""
    subprocess.run(["ip", "link", "del", ns.host_if], capture_output=True, timeout=10)
    subprocess.run(["ip", "netns", "del", ns.name], capture_output=True, timeout=10)
