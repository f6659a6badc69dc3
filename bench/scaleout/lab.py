"""Hosts on one machine: Linux network namespaces on a private bridge, each with a CPU quota.

    with Lab(["data", "web", "worker1"], quotas={"worker1": 0.5}) as lab:
        lab.start("worker1", ["python", "worker.py"], env)   # runs inside worker1's namespace
        lab.address("data")                                   # 198.18.N.x, an address of ours

Each host is a namespace `pgs<tag>-<name>` whose `eth0` (one end of a veth pair) sits on the bridge
`pgsbr<tag>`; addresses come from 198.18.0.0/15 (RFC 2544, reserved for benchmarks: never routed),
one /24 per lab, chosen so that no address or route of the machine overlaps it. A host with a quota
runs its processes in a cgroup v1 CPU group (`cpu.cfs_quota_us` / `cpu.cfs_period_us`), so a
"host" has a fixed share of a core. `check_ours(address)` refuses any address the lab did not
create; `start()` and `connectable()` call it before anything is sent.

Everything is removed when the lab closes, also on an exception, SIGTERM or SIGINT: the processes
it started (their whole process group), the namespaces, the bridge (with the veth ends) and the
cgroups. Needs root, `ip` (iproute2) and cgroup v1's cpu controller at /sys/fs/cgroup/cpu.
"""

import ipaddress
import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

RANGE = ipaddress.ip_network("198.18.0.0/15")
CGROUP_CPU = Path("/sys/fs/cgroup/cpu")
PERIOD_US = 100_000


def ip(*args: str, check: bool = True) -> str:
    """Run `ip ARGS` and return its output."""
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def machine_networks() -> list[ipaddress.IPv4Network]:
    """Every IPv4 network the machine has an address or a route in (default route excluded)."""
    nets = []
    for entry in json.loads(ip("-j", "-4", "addr") or "[]"):
        for info in entry.get("addr_info", []):
            nets.append(ipaddress.ip_network(f"{info['local']}/{info['prefixlen']}", strict=False))
    for route in json.loads(ip("-j", "-4", "route", "show", "table", "all") or "[]"):
        dst = route.get("dst", "default")
        if dst != "default" and "." in dst:
            nets.append(ipaddress.ip_network(dst if "/" in dst else f"{dst}/32", strict=False))
    return nets


def free_subnet() -> ipaddress.IPv4Network:
    """A /24 of 198.18.0.0/15 that overlaps nothing the machine has."""
    taken = machine_networks()
    for subnet in RANGE.subnets(new_prefix=24):
        if not any(subnet.overlaps(net) for net in taken):
            return subnet
    raise RuntimeError("no free /24 in 198.18.0.0/15")


def have_lab_tools() -> str | None:
    """None when a lab can be built here, else why not."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, cgroups)"
    if subprocess.run(["which", "ip"], capture_output=True).returncode != 0:
        return "needs iproute2's `ip`"
    if not (CGROUP_CPU / "cpu.cfs_quota_us").exists():
        return "needs cgroup v1's cpu controller at /sys/fs/cgroup/cpu"
    return None


class Lab:
    """A bridge, one namespace per host, CPU quotas; torn down by close() (or `with`)."""

    def __init__(
        self, hosts: list[str], quotas: dict[str, float] | None = None, shares: int = 1024
    ):
        """quotas: cores per host (cfs quota); shares: each quota'd group's cpu.shares weight.

        On a busy machine a group of weight 1024 gets what one busy task gets (2 cores / load),
        which may be less than its quota; a larger weight lets the quota be what binds.
        """
        self.tag = uuid.uuid4().hex[:6]
        self.hosts = list(hosts)
        self.quotas, self.shares = dict(quotas or {}), shares
        self.bridge = f"pgsbr{self.tag}"
        self.cgroup = CGROUP_CPU / f"pulseguard-scaleout-{self.tag}"
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.addresses: dict[str, str] = {}
        self.subnet: ipaddress.IPv4Network | None = None
        self._old_handlers: dict[int, object] = {}

    # -- building --------------------------------------------------------------------------
    def namespace(self, host: str) -> str:
        return f"pgs{self.tag}-{host}"

    def __enter__(self) -> "Lab":
        for signum in (signal.SIGTERM, signal.SIGINT):
            self._old_handlers[signum] = signal.signal(signum, self._on_signal)
        try:
            self.build()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _on_signal(self, signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")  # unwinds through __exit__ / finally

    def build(self) -> None:
        self.subnet = free_subnet()
        hosts = list(self.subnet.hosts())
        gateway = hosts[0]
        ip("link", "add", self.bridge, "type", "bridge")
        ip("addr", "add", f"{gateway}/24", "dev", self.bridge)
        ip("link", "set", self.bridge, "up")
        self.addresses["bridge"] = str(gateway)
        for index, host in enumerate(self.hosts):
            ns, outer, address = self.namespace(host), f"pgsv{self.tag}{index}", hosts[10 + index]
            ip("netns", "add", ns)
            ip("link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", ns)
            ip("link", "set", outer, "master", self.bridge, "up")
            ip("-n", ns, "addr", "add", f"{address}/24", "dev", "eth0")
            ip("-n", ns, "link", "set", "eth0", "up")
            ip("-n", ns, "link", "set", "lo", "up")
            self.addresses[host] = str(address)
        self.cgroup.mkdir()
        for host, cores in self.quotas.items():
            group = self.cgroup / host
            group.mkdir()
            (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (group / "cpu.cfs_quota_us").write_text(str(int(cores * PERIOD_US)))
            (group / "cpu.shares").write_text(str(self.shares))

    # -- using -----------------------------------------------------------------------------
    def address(self, host: str) -> str:
        return self.addresses[host]

    def check_ours(self, address: str) -> str:
        """Return the address if this lab assigned it (and it is on our bridge), else raise."""
        if address not in self.addresses.values():
            raise ValueError(f"{address} is not an address of this lab")
        if ipaddress.ip_address(address) not in (self.subnet or RANGE):
            raise ValueError(f"{address} is outside this lab's subnet")
        return address

    def start(
        self, host: str, argv: list[str], env: dict, log: Path | None = None, uses=(), cwd=None
    ):
        """Start argv inside host's namespace (and CPU group); `uses` are addresses it will reach.

        Every address in `uses` is checked to be the lab's before the process starts.
        """
        for address in uses:
            self.check_ours(address)
        group = self.cgroup / host if host in self.quotas else None

        def enter_group():
            if group is not None:
                (group / "cgroup.procs").write_text(str(os.getpid()))

        out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
        proc = subprocess.Popen(
            ["ip", "netns", "exec", self.namespace(host), *argv],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
            preexec_fn=enter_group,
            start_new_session=True,
        )
        self.procs.append((host, proc))
        return proc

    def run(self, host: str, argv: list[str], timeout: float = 30) -> subprocess.CompletedProcess:
        """Run a short command inside host's namespace and return it (output captured)."""
        command = ["ip", "netns", "exec", self.namespace(host), *argv]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)

    def kill_host(self, host: str, signum: int = signal.SIGKILL) -> list[int]:
        """Signal every process started on host (their whole process groups); return the pids."""
        pids = []
        for name, proc in self.procs:
            if name == host and proc.poll() is None:
                os.killpg(proc.pid, signum)
                pids.append(proc.pid)
        return pids

    def link(self, host: str, up: bool) -> None:
        """Take host's link down (unplugged) or up again."""
        ip("-n", self.namespace(host), "link", "set", "eth0", "up" if up else "down")

    def throttled(self, host: str) -> dict[str, int]:
        """The host's CPU group counters (nr_periods, nr_throttled, throttled_time in ns)."""
        stat = (self.cgroup / host / "cpu.stat").read_text().split()
        return {key: int(value) for key, value in zip(stat[::2], stat[1::2], strict=True)}

    # -- tearing down ----------------------------------------------------------------------
    def close(self) -> None:
        """Remove everything this lab made; safe to call twice and after a partial build."""
        for _host, proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 20
        for _host, proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # leftovers of the group, or a stuck one
            except ProcessLookupError:
                pass
            proc.wait()
        self.procs.clear()
        for host in self.hosts:
            ip("netns", "del", self.namespace(host), check=False)
        ip("link", "del", self.bridge, check=False)
        if self.cgroup.exists():
            for group in self.cgroup.iterdir():
                if group.is_dir():
                    _rmdir_when_empty(group)
            _rmdir_when_empty(self.cgroup)
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, handler)
        self._old_handlers.clear()

    def leftovers(self) -> list[str]:
        """What of this lab still exists (empty after close())."""
        found = [n for n in ip("netns", "list").split() if n.startswith(f"pgs{self.tag}-")]
        if self.bridge in ip("-o", "link", "show"):
            found.append(self.bridge)
        if self.cgroup.exists():
            found.append(str(self.cgroup))
        return found


def _rmdir_when_empty(group: Path) -> None:
    """rmdir a cgroup, waiting briefly for exiting processes to leave it."""
    for _ in range(50):
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"cgroup {group} still has processes")
