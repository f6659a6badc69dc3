"""CPU per HTTP check of the probing half of a worker: the ScheduledRunner and the HTTP probe.

    .venv/bin/python bench/checks/probe_cpu.py --rate 1000 --seconds 20

This process plays one worker's engine without a database: it builds http targets through the
registry of kinds (`draft_target`), submits each to a ScheduledRunner at its planned time (the
servers spread evenly over --interval, as the dispatcher plans them) and counts the results,
against bench/checks/target.py (a process of its own, ~50 ms per answer, kept-alive
connections). It prints the CPU of this process per check (user + system, the measured window
only), the checks done per second and how late probes started (p50/p99/max, planned -> started):
the part of bench/checks/run.py's CPU per check that is probing and scheduling, without
recording, claiming or RQ. Compare trees alternated, in one pg-bench hold.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pulseguard.checks.context import ProbeContext  # noqa: E402
from pulseguard.checks.runner import ScheduledRunner  # noqa: E402
from pulseguard.kinds import draft_target  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_target(tmp: Path, delay_ms: float) -> tuple[subprocess.Popen, int]:
    port_file, hits = tmp / "port", tmp / "hits"
    script = ROOT / "bench" / "checks" / "target.py"
    argv = [sys.executable, str(script), str(port_file), str(hits), "--delay-ms", str(delay_ms)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not port_file.exists() or not port_file.read_text().strip():
        if time.monotonic() > deadline:
            raise RuntimeError("target did not start")
        time.sleep(0.05)
    return proc, int(port_file.read_text())


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=int, default=1000, help="checks planned per second")
    parser.add_argument("--interval", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=20, help="measured window")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--delay-ms", type=float, default=50)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pulseguard-probe-cpu-"))
    proc, port = start_target(tmp, args.delay_ms)
    try:
        servers = int(args.rate * args.interval)
        targets = [
            draft_target(
                "http", host="127.0.0.1", port=port, settings={"http": {"path": f"/s/{i}"}}
            )
            for i in range(servers)
        ]
        results: list[tuple[float, float, str]] = []
        runner = ScheduledRunner(
            lambda r: results.append((r[1], r[2], r[3].status)),
            concurrency=500,
            context=ProbeContext.of({"TARGET_DENY_NETWORKS": "default"}),
        )
        t0 = time.time() + 0.5
        end = t0 + args.warmup + args.seconds
        window = (t0 + args.warmup, end)

        interval = int(args.interval)
        buckets: list[list[tuple[int, float]]] = [[] for _ in range(interval)]
        for i in range(
            servers
        ):  # server i is planned at t0 + i / servers x interval (+ k x interval)
            offset = i / servers * interval
            buckets[int(offset)].append((i, offset))

        def plan():  # one dispatch tick a second, as the dispatcher's: the next second's probes
            tick = 0
            while t0 + tick < end:
                base = t0 + (tick // interval) * interval
                for i, offset in buckets[tick % interval]:
                    if base + offset < end:
                        runner.submit(targets[i], base + offset)
                tick += 1
                gevent.sleep(max(0.0, t0 + tick - 1 - time.time()))

        planner = gevent.spawn(plan)
        gevent.sleep(max(0.0, window[0] - time.time()))
        cpu0, target0 = cpu_seconds(os.getpid()), cpu_seconds(proc.pid)
        gevent.sleep(max(0.0, window[1] - time.time()))
        cpu1, target1 = cpu_seconds(os.getpid()), cpu_seconds(proc.pid)
        planner.join()
        runner.wait_idle(15)
        done = [(p, s, o) for p, s, o in results if window[0] <= p < window[1]]
        late = [(s - p) * 1000 for p, s, _ in done]
        figures = {
            "rate_planned": args.rate,
            "done_per_s": round(len(done) / args.seconds, 1),
            "cpu_ms_per_check": round((cpu1 - cpu0) * 1000 / max(1, len(done)), 3),
            "target_cpu_ms_per_check": round((target1 - target0) * 1000 / max(1, len(done)), 3),
            "start_late_ms_p50_p99_max": [round(pct(late, q), 1) for q in (0.5, 0.99, 1.0)],
            "outcomes": dict(Counter(str(getattr(o, "value", o)) for _p, _s, o in done)),
        }
        print(json.dumps(figures), flush=True)
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
