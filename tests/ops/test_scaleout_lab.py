"""The scale-out benchmark's hosts (bench/scaleout/lab.py): built, isolated, quota'd, torn down."""

import os
import signal
import sys
import time

import pytest

from bench.scaleout.lab import Lab, have_lab_tools

missing = have_lab_tools()
pytestmark = [
    pytest.mark.once,
    pytest.mark.skipif(bool(missing), reason=f"SKIPPED: scale-out lab {missing}"),
]

LISTEN = """
import socket, sys
s = socket.socket(); s.bind((sys.argv[1], 7000)); s.listen()
print("listening", flush=True)
c, peer = s.accept(); c.sendall(peer[0].encode()); c.close()
"""
CONNECT = """
import socket, sys, time
for _ in range(int(sys.argv[3])):
    try:
        c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1); break
    except OSError as error:
        last = error; time.sleep(0.05)
else:
    print("refused", last); sys.exit(1)
print(c.recv(100).decode())
"""


def test_hosts_reach_each_other_through_the_bridge_and_nothing_else():
    with Lab(["alpha", "beta"]) as lab:
        alpha, beta = lab.address("alpha"), lab.address("beta")
        assert alpha != beta and lab.check_ours(alpha) == alpha
        server = lab.start("alpha", [sys.executable, "-c", LISTEN, alpha], dict(os.environ))
        reply = lab.run("beta", [sys.executable, "-c", CONNECT, alpha, "7000", "100"])
        assert reply.stdout.strip() == beta  # alpha saw the connection come from beta's address
        assert server.wait(10) == 0
        # A namespace has its own loopback: the machine's shared services are not reachable.
        isolated = lab.run("beta", [sys.executable, "-c", CONNECT, "127.0.0.1", "6379", "1"])
        assert isolated.returncode == 1 and "refused" in isolated.stdout


def test_only_the_labs_own_addresses_are_accepted():
    with Lab(["alpha"]) as lab:
        for foreign in ("127.0.0.1", "192.0.2.2", "8.8.8.8", "198.18.255.254"):
            with pytest.raises(ValueError):
                lab.check_ours(foreign)
        with pytest.raises(ValueError):
            lab.start("alpha", ["true"], dict(os.environ), uses=["10.0.0.1"])
        assert lab.procs == []  # refused before anything started


def test_a_host_with_a_quota_runs_in_its_cpu_group():
    # 2 % of a core: below what even a very busy machine gives one task, so the quota binds.
    with Lab(["busy"], quotas={"busy": 0.02}) as lab:
        group = lab.cgroup / "busy"
        assert (group / "cpu.cfs_quota_us").read_text().strip() == "2000"
        proc = lab.start("busy", [sys.executable, "-c", "while True: pass"], dict(os.environ))
        deadline = time.monotonic() + 30  # a loaded machine starts python slowly
        while time.monotonic() < deadline and not lab.throttled("busy")["nr_throttled"]:
            time.sleep(0.1)
        assert str(proc.pid) in (group / "cgroup.procs").read_text().split()
        assert lab.throttled("busy")["nr_throttled"] > 0  # the quota holds it back


def test_everything_is_removed_when_the_run_fails():
    lab = Lab(["alpha", "beta"], quotas={"alpha": 0.5})
    with pytest.raises(RuntimeError, match="mid-run"), lab:
        proc = lab.start("alpha", ["sleep", "600"], dict(os.environ))
        assert lab.leftovers()
        raise RuntimeError("mid-run")
    assert proc.poll() is not None
    assert lab.leftovers() == []
    assert signal.getsignal(signal.SIGTERM) is not lab._on_signal
