"""The ceiling on this machine: the Procfile set with 2 workers, no quotas, the load ramped.

    .venv/bin/python bench/scaleout/ceiling.py --rates 1000 1500 2000 --profile-rate 1500

One round of bench/checks/run.py per rate (servers = rate x interval, a fresh PostgreSQL database
and Redis each, gunicorn + 2 x worker.py + the scheduler, no CPU quota), printed as a curve:
planned vs done at the target vs recorded, interval p99, lag p99, CPU (PulseGuard's processes,
PostgreSQL's backends, Redis) and memory (PSS summed over PulseGuard's processes, RSS beside it).
"Held" means every planned check done at the target (>= 99 %) with interval p99 within ±250 ms.
With --profile-rate R, the round at rate R samples worker 1 with py-spy (100 Hz, --native) for the
whole window and prints where its time goes (bench/scaleout/profile.py).
"""

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.checks.run import Bench  # noqa: E402
from bench.scaleout.profile import summary  # noqa: E402

HELD_P99_MS = 250


class ProfiledBench(Bench):
    """bench/checks' round; with `profile`, py-spy samples worker 1 through the window."""

    def __init__(self, args, profile: Path | None):
        super().__init__(args)
        self.profile, self.profiler = profile, None

    def prepare(self, port):
        super().prepare(port)
        if self.profile is None:
            return
        worker = next(proc for name, proc in self.procs if name == "worker0")
        py_spy = Path(sys.executable).with_name("py-spy")
        command = [str(py_spy) if py_spy.exists() else "py-spy", "record", "--pid"]
        command += [str(worker.pid), "--format", "raw", "--native", "--rate", "100"]
        command += ["--duration", str(int(self.args.duration)), "-o", str(self.profile)]
        self.profiler = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )


def one_rate(args, rate: int, profile: Path | None) -> dict:
    args.servers = rate * args.interval
    bench = ProfiledBench(args, profile)
    figures = bench.run()
    if bench.profiler is not None:
        bench.profiler.wait(60)
    held = (
        figures["achieved_per_s_target"] >= 0.99 * figures["planned_per_s"]
        and figures["interval_dev_p99_ms"] <= HELD_P99_MS
    )
    figures["held"] = held
    return figures


def curve(rounds: list[dict]) -> list[str]:
    lines = [
        "| planned/s | done at target/s | recorded/s | interval p99 | lag p99 | CPU ms/check"
        " (PulseGuard + PostgreSQL + Redis) | cores used | PSS sum (RSS max) | held |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in rounds:
        pg, rd = (
            f.get("cpu_ms_per_check_postgres_backends", 0),
            f.get("cpu_ms_per_check_redis_shared", 0),
        )
        total = f["cpu_ms_per_check_pulseguard"] + pg + rd
        cores = total * f["recorded_per_s"] / 1000
        lines.append(
            f"| {f['planned_per_s']:.0f} | {f['achieved_per_s_target']:.0f} |"
            f" {f['recorded_per_s']:.0f} | ±{f['interval_dev_p99_ms']:.0f} ms |"
            f" {f['lag_p99_ms']:.0f} ms | {f['cpu_ms_per_check_pulseguard']:.2f} + {pg:.2f} +"
            f" {rd:.2f} | {cores:.2f} | {f['pss_mib_sum_at_end']:.0f} MiB ({f['rss_mib_max']:.0f})"
            f" | {'yes' if f['held'] else 'no'} |"
        )
    held = [f["planned_per_s"] for f in rounds if f["held"]]
    lines.append(f"highest load held: {max(held):.0f} checks/s" if held else "no load held")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", type=int, nargs="+", default=[1000, 1500, 2000])
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--web-concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=20)
    parser.add_argument("--start-delay", type=float, default=8)
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--profile-rate", type=int, default=None)
    parser.add_argument("--profile-file", default="/tmp/pulseguard-ceiling.pyspy")
    args = parser.parse_args()
    args.mode, args.assertions_share = "postgres", 0.0
    rounds = []
    for rate in args.rates:
        profile = Path(args.profile_file) if rate == args.profile_rate else None
        rounds.append(one_rate(args, rate, profile))
        print(json.dumps(rounds[-1]), flush=True)
    print("\n".join(curve(rounds)))
    if args.profile_rate in args.rates and Path(args.profile_file).exists():
        print(f"\nworker 1 at {args.profile_rate} checks/s (py-spy, {args.profile_file}):")
        print("\n".join(summary(Path(args.profile_file).read_text())))
    print(
        "reproduce: flock /tmp/pulseguard-bench.lock "
        + shlex.join([sys.executable.replace(str(ROOT) + "/", ""), *sys.argv])
    )


if __name__ == "__main__":
    main()
