"""DNS and ICMP throughput of one worker process's check path: checks/s and CPU ms per check.

    .venv/bin/python bench/kinds/throughput.py dns --seconds 30 --concurrency 50
    .venv/bin/python bench/kinds/throughput.py icmp --seconds 30 --concurrency 50

This process is the worker: it builds targets through the registry of kinds (`draft_target`, as a
worker does from its Server rows) and probes them in batches with `run_batch`, the check engine's
gevent pool, for --seconds. DNS asks an A record of tests/dns_responder.py, run in a process of its
own (its CPU is printed apart); ICMP pings 127.0.0.1 once per check (count 1, the mode the worker
would pick: raw sockets as root, datagram sockets otherwise). CPU is this process's user + system
time over the measured window only (imports and the warm-up are not counted).
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shlex  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pulseguard.checks.context import ProbeContext  # noqa: E402
from pulseguard.checks.runner import run_batch  # noqa: E402
from pulseguard.kinds import draft_target  # noqa: E402

RESPONDER = """
import sys, gevent
sys.path.insert(0, sys.argv[1])
from tests.dns_responder import Responder
r = Responder({("www.example.test", "A"): ["192.0.2.10"]})
print(r.port, flush=True)
gevent.wait()
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def targets(kind: str, count: int, port: int | None):
    if kind == "dns":
        block = {"record_type": "A", "resolvers": [f"127.0.0.1:{port}"], "expected": ["192.0.2.10"]}
        one = draft_target("dns", host="www.example.test", port=None, settings={"dns": block})
    else:
        block = {"count": 1, "interval": 0.2, "payload_size": 56, "family": "ipv4"}
        one = draft_target(
            "icmp", host="127.0.0.1", port=None, timeout_s=2.0, settings={"icmp": block}
        )
    return [one] * count


def measure(batch, seconds: float, concurrency: int, context) -> tuple[int, float, float, Counter]:
    """Run batches until `seconds` passed: (checks, wall s, CPU s of this process, statuses)."""
    statuses: Counter = Counter()
    cpu0, wall0, done = time.process_time(), time.monotonic(), 0
    while time.monotonic() - wall0 < seconds:
        for _target, _planned, _started, outcome in run_batch(batch, concurrency, context):
            statuses[getattr(outcome.status, "value", outcome.status)] += 1
            done += 1
    return done, time.monotonic() - wall0, time.process_time() - cpu0, statuses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["dns", "icmp"])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=3)
    args = parser.parse_args()

    responder, port = None, None
    if args.kind == "dns":
        responder = subprocess.Popen(
            [sys.executable, "-c", RESPONDER, str(ROOT)], stdout=subprocess.PIPE, text=True
        )
        port = int(responder.stdout.readline())
    try:
        context = ProbeContext()  # the default guard: loopback is allowed unless denied
        batch = targets(args.kind, args.concurrency * 4, port)
        measure(batch, args.warmup, args.concurrency, context)
        responder_cpu0 = cpu_seconds(responder.pid) if responder else 0.0
        done, wall, cpu, statuses = measure(batch, args.seconds, args.concurrency, context)
        responder_cpu = (cpu_seconds(responder.pid) - responder_cpu0) if responder else None
    finally:
        if responder:
            responder.terminate()
            responder.wait()
    figures = {
        "kind": args.kind,
        "concurrency": args.concurrency,
        "seconds": round(wall, 1),
        "checks": done,
        "statuses": dict(statuses),
        "checks_per_s": round(done / wall, 1),
        "worker_cpu_ms_per_check": round(1000 * cpu / max(done, 1), 3),
        "worker_cpu_busy_pct": round(100 * cpu / wall, 1),
    }
    if responder_cpu is not None:
        figures["responder_cpu_ms_per_query"] = round(1000 * responder_cpu / max(done, 1), 3)
    print(json.dumps(figures, indent=1))
    print("command:", shlex.join([".venv/bin/python", "bench/kinds/throughput.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
