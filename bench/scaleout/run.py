"""Scale-out benchmark: PulseGuard's processes on separate hosts that share PostgreSQL and Redis.

    .venv/bin/python bench/scaleout/run.py throughput --hosts 1 2 3 --quota 0.2 --servers 5000
    .venv/bin/python bench/scaleout/run.py lose-host --hosts 2 --servers 1500 --interval 10

Hosts are network namespaces with CPU quotas (bench/scaleout/lab.py): `data` runs a PostgreSQL
cluster and a redis-server of this run only, `target` the ~50 ms HTTP target of bench/checks,
`ctl` the scheduler (`flask start-scheduler`), `w1..wN` one `python worker.py` each, every worker
host with the same CPU quota (`--quota` cores; `data` has `--data-quota`, `target` and `ctl`
`--infra-quota`, 0 for none). Every host's CPU group also gets a cpu.shares weight (`--shares`)
so that on a busy machine the quota, not the machine's load, can be what binds. Each round gets a
fresh database; N servers at the interval are seeded with their first checks spread over it, and
the round measures for --duration seconds after a warm-up, with the figures of bench/checks/run.py
(checks/s at the target, interval and lag p99, CPU per check) plus each worker host's CPU and
throttling.

`throughput` runs one round per --hosts value (saturate 1, then 2, then 3 worker hosts).
`lose-host` hits one host at the middle of the window: `--how kill` SIGKILLs every process of
worker host w1, `--how link` takes its link down, `--how scheduler` SIGKILLs the `ctl` host whose
scheduler leads while a standby runs on `ctl2`, `--how redis` makes Redis unreachable from every
host for --outage seconds (redis-server stopped with SIGSTOP: connections hang, as in a network
partition, then SIGCONT). It counts per server, at the target: checks missed (the span between a
server's first and last hit, in intervals, minus its hits), checks late (a gap over 1.5 intervals
that the next check makes up) with the worst delay, checks probed twice (two hits closer than
half an interval); and in the database, results recorded twice (closer than half an interval).
"""

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.checks.run import BIN, Bench, descendants, proc_table, wait_file  # noqa: E402
from bench.scaleout.lab import Lab  # noqa: E402

PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]


class DataHost:
    """A PostgreSQL cluster and a redis-server of this run, inside the lab's `data` host."""

    def __init__(self, lab: Lab, tmp: Path):
        self.lab, self.address = lab, lab.address("data")
        self.pgdata = tmp / "pgdata"
        tmp.chmod(0o755)  # postgres must reach its data directory
        self.pgdata.mkdir()
        shutil.chown(self.pgdata, "postgres")
        self.pgdata.chmod(0o700)

    def start(self) -> "DataHost":
        as_pg = ["runuser", "-u", "postgres", "--"]
        initdb = [*as_pg, str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-A", "trust", "-N"]
        done = subprocess.run(initdb, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr}")
        with open(self.pgdata / "pg_hba.conf", "a") as hba:
            hba.write(f"host all all {self.lab.subnet} trust\n")
        settings = [
            f"listen_addresses={self.address}",
            f"unix_socket_directories={self.pgdata}",
            "max_connections=300",
        ]
        postgres = [*as_pg, str(PG_BIN / "postgres"), "-D", str(self.pgdata)]
        for setting in settings:
            postgres += ["-c", setting]
        self.lab.start("data", postgres, dict(os.environ), log=self.pgdata.parent / "pg.log")
        redis_argv = ["redis-server", "--bind", self.address, "--port", "6379", "--save", ""]
        redis_argv += ["--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning"]
        self.redis_log = self.pgdata.parent / "redis.log"
        self.redis_process = self.lab.start(
            "data", redis_argv, dict(os.environ), log=self.redis_log, uses=[self.address]
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.admin_url, connect_timeout=1).close()
                redis.Redis(host=self.address, socket_connect_timeout=1).ping()
                return self
            except (psycopg.OperationalError, redis.RedisError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@{self.lab.check_ours(self.address)}:5432/postgres"

    @property
    def redis_url(self) -> str:
        return f"redis://{self.lab.check_ours(self.address)}:6379/0"


class HostsBench(Bench):
    """bench/checks/run.py's round, with PulseGuard's processes on the lab's hosts."""

    def __init__(self, args, lab: Lab, data: DataHost, workers: list[str]):
        super().__init__(args)
        self.lab, self.data, self.workers = lab, data, workers
        self.redis_url, self.target_host = data.redis_url, lab.address("target")
        self.events: dict[str, float] = {}

    def database(self):
        with psycopg.connect(self.data.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.pg_url = self.data.admin_url.rsplit("/", 1)[0] + f"/{self.name}"
        return self.pg_url.replace("postgresql://", "postgresql+psycopg://")

    def env(self, **extra):
        return super().env(**extra) | {k: str(v) for k, v in self.args.env.items()}

    def start_on(self, host: str, name: str, argv: list[str]):
        uses = [self.data.address]
        log = self.tmp / f"{name}.log"
        proc = self.lab.start(host, argv, self.env(), log=log, uses=uses, cwd=ROOT)
        self.procs.append((name, proc))
        return proc

    def start_pulseguard(self):
        redis.Redis.from_url(self.redis_url).flushdb()
        self.start_on("ctl", "scheduler", [str(BIN / "flask"), "start-scheduler"])
        if self.args.fault == "scheduler":
            time.sleep(2)  # the first one leads; this one waits as a standby
            self.start_on("ctl2", "standby", [str(BIN / "flask"), "start-scheduler"])
        for host in self.workers:
            self.start_on(host, host, [sys.executable, "worker.py"])

    def host_cpu(self) -> dict[str, float]:
        table = proc_table()
        cpu = {}
        for host in self.workers:
            roots = [p.pid for name, p in self.procs if name == host]
            cpu[host] = sum(table[pid][1] for pid in descendants(roots, table))
        return cpu

    def run(self):
        args = self.args
        target_port_file, self.hits_file = self.tmp / "port", self.tmp / "hits"
        script = str(ROOT / "bench/checks/target.py")
        target_argv = [sys.executable, script, str(target_port_file), str(self.hits_file)]
        target_argv += ["--delay-ms", str(args.delay_ms), "--host", self.target_host]
        target = self.lab.start("target", target_argv, dict(os.environ), uses=[self.target_host])
        try:
            port = int(wait_file(target_port_file))
            self.prepare(port)
            first, cpu0 = self.snapshot(), self.host_cpu()
            self.first_time = first["time"]
            self.throttle0 = {h: self.lab.throttled(h) for h in self.workers}
            end, rss_samples = first["time"] + args.duration, []
            # Mid-window; a Redis outage a quarter in, so that the catch-up is measured too.
            share = 4 if args.fault == "redis" else 2
            fault_at = first["time"] + args.duration / share if args.fault else None
            while time.time() < end:
                if fault_at is not None and time.time() >= fault_at:
                    self.events["fault"] = self.fault()
                    fault_at = None
                time.sleep(min(1.0, max(0.0, end - time.time())))
                table = proc_table()
                ours = descendants([p.pid for _, p in self.procs], table)
                rss_samples.append(sum(table[pid][2] for pid in ours))
            last, cpu1 = self.snapshot(), self.host_cpu()
            last["memory"] = self.memory_by_process()
            last["verdicts"] = self.verdict_counts()  # bench/checks' report needs them (c9b91a5)
            self.throttle1 = {h: self.lab.throttled(h) for h in self.workers}
            self.stop_processes()
            os.kill(target.pid, signal.SIGTERM)
            target.wait(30)
            figures = self.report(first, last, rss_samples)
            figures["by_worker_host"] = self.by_host(cpu0, cpu1)
            # A live worker must keep its claims: with no fault, none is taken over.
            figures["claims_taken_over"] = self.log_count(r"Took over (\d+) claims")
            figures["lease_renewals_over_half_a_lease_apart"] = self.log_count(
                r"Check lease renewed ()"
            )
            if args.fault:
                figures["fault"] = self.fault_figures(first["time"], last["time"])
            return figures
        finally:
            self.stop_processes()
            with psycopg.connect(self.data.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def stop_processes(self):
        for _name, proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _name, proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def fault(self) -> float:
        how = self.args.fault
        if how == "link":
            self.lab.link(self.workers[0], up=False)
        elif how == "scheduler":
            self.lab.kill_host("ctl", signal.SIGKILL)
        elif how == "redis":
            os.killpg(self.data.redis_process.pid, signal.SIGSTOP)
            at = time.time()
            time.sleep(self.args.outage)
            os.killpg(self.data.redis_process.pid, signal.SIGCONT)
            return at
        else:
            self.lab.kill_host(self.workers[0], signal.SIGKILL)
        return time.time()

    def by_host(self, cpu0, cpu1):
        window = self.args.duration
        result = {}
        for host in self.workers:
            before, after = self.throttle0[host], self.throttle1[host]
            result[host] = {
                "cpu_cores_used": round((cpu1[host] - cpu0[host]) / window, 3),
                "throttled_periods_pct": round(
                    100
                    * (after["nr_throttled"] - before["nr_throttled"])
                    / max(1, after["nr_periods"] - before["nr_periods"]),
                    1,
                ),
            }
        return result

    def fault_figures(self, start, end):
        """Per server, at the target: checks missed, late, probed twice; in the database: twice.

        Each server's checks sit on a grid of its interval (planned times never drift); the grid
        is anchored at the server's last check of the window and every check is put in its
        nearest slot (so a check may be late by up to half an interval and still be itself).
        Two checks in one slot ran twice; an empty slot between the first and the last is a
        missed check. After a Redis outage longer than an interval the servers are re-planned
        (spread over their interval): the window then starts one interval after the outage.
        """
        interval, fault_at = self.args.interval, self.events["fault"]
        if self.args.fault == "redis":
            start = max(start, fault_at + self.args.outage + interval)
        target = grid_figures(self.hits_times(start, end), interval)
        recorded = grid_figures(self.result_times(start, end), interval)
        victim = {"scheduler": "ctl", "redis": "data (redis-server)"}
        return {
            "fault": self.args.fault,
            "victim": victim.get(self.args.fault, self.workers[0]),
            "at_s_into_window": round(fault_at - self.first_time, 1),
            "analysed_from_s_into_window": round(start - self.first_time, 1),
            "servers_with_a_missed_check": target["servers_missing"],
            "checks_missed": target["missed"],
            "checks_late_over_1s": target["late"],
            "worst_delay_s": target["worst_delay_s"],
            "checks_late_over_1s_probed_on_time_before": target["late_in_a_slot_run_twice"],
            "checks_probed_twice_at_target": target["twice"],
            "results_late_over_1s": recorded["late"],
            "results_worst_delay_s": recorded["worst_delay_s"],
            "results_recorded_twice": recorded["twice"],
            "results_missing": recorded["missed"],
            "claims_taken_over": self.log_count(r"Took over (\d+) claims"),
            "copies_skipped_recorded_already": self.log_count(r"Skipped (\d+) results"),
        }

    def hits_times(self, start, end) -> list[list[float]]:
        out = []
        for line in self.hits_file.read_text().splitlines():
            _index, *times = line.split()
            out.append(sorted(float(t) for t in times if start <= float(t) < end))
        return out

    def result_times(self, start, end) -> list[list[float]]:
        query = """
            SELECT server_id, extract(epoch from checked_at) FROM ping_results
            WHERE checked_at >= to_timestamp(%s) AND checked_at < to_timestamp(%s)
            ORDER BY server_id, checked_at
        """
        by_server: dict[int, list[float]] = {}
        with psycopg.connect(self.pg_url) as conn:
            for sid, at in conn.execute(query, (start, end)):
                by_server.setdefault(sid, []).append(float(at))
        return list(by_server.values())

    def log_count(self, pattern: str) -> int:
        total = 0
        for host in self.workers:
            log = self.tmp / f"{host}.log"
            if log.exists():
                found = re.findall(pattern, log.read_text(errors="replace"))
                total += sum(int(n or 1) for n in found)  # an empty group counts each line once
        return total


def grid_figures(servers: list[list[float]], interval: float) -> dict:
    """Checks missed, run twice and late on each server's interval grid (see fault_figures)."""
    missed, servers_missing, twice, late, worst, late_again = 0, 0, 0, 0, 0.0, 0
    for times in servers:
        if len(times) < 2:
            continue
        anchor = times[-1]
        slots = Counter(round((t - anchor) / interval) for t in times)
        twice += sum(n - 1 for n in slots.values())
        missing = (max(slots) - min(slots) + 1) - len(slots)
        missed += missing
        servers_missing += bool(missing)
        for t in times:
            delay = (t - anchor) - round((t - anchor) / interval) * interval
            if delay > 1.0:
                late += 1
                worst = max(worst, delay)
                late_again += slots[round((t - anchor) / interval)] > 1
    return {
        "missed": missed,
        "servers_missing": servers_missing,
        "twice": twice,
        "late": late,
        "worst_delay_s": round(worst, 2),
        "late_in_a_slot_run_twice": late_again,  # at the target: a probe whose result was lost
    }


def one_round(args, worker_hosts: int, fault: str | None = None) -> dict:
    hosts = ["data", "target", "ctl"] + [f"w{i + 1}" for i in range(worker_hosts)]
    if fault == "scheduler":
        hosts.append("ctl2")
    quotas = {f"w{i + 1}": args.quota for i in range(worker_hosts)}
    infra = {"data": args.data_quota, "target": args.infra_quota, "ctl": args.infra_quota}
    if fault == "scheduler":
        infra["ctl2"] = args.infra_quota
    quotas |= {host: cores for host, cores in infra.items() if cores > 0}  # 0: no CPU group
    with (
        tempfile.TemporaryDirectory(prefix="pulseguard-scaleout-") as tmp,
        Lab(hosts, quotas, shares=args.shares) as lab,
    ):
        data = DataHost(lab, Path(tmp)).start()
        args.fault = fault
        bench = HostsBench(args, lab, data, [f"w{i + 1}" for i in range(worker_hosts)])
        figures = bench.run()
        figures["worker_hosts"], figures["quota_cores_per_worker_host"] = worker_hosts, args.quota
        figures["uptime"] = Path("/proc/loadavg").read_text().split()[:3]
        return figures


def summary(rounds: list[dict]) -> list[str]:
    """One line per round, and the ratio of each to the first."""
    lines, base = [], rounds[0]["recorded_per_s"] or 1
    for figures in rounds:
        lines.append(
            f"{figures['worker_hosts']} host(s) x {figures['quota_cores_per_worker_host']} core:"
            f" planned {figures['planned_per_s']}/s, recorded {figures['recorded_per_s']}/s"
            f" ({figures['recorded_per_s'] / base:.2f} x 1 host), interval p99"
            f" ±{figures['interval_dev_p99_ms']} ms, lag p99 {figures['lag_p99_ms']} ms,"
            f" CPU {figures['cpu_ms_per_check_pulseguard']} ms/check,"
            f" load {figures['loadavg_1min_start_end']}"
        )
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", choices=["throughput", "lose-host"])
    parser.add_argument("--hosts", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--quota", type=float, default=0.2, help="CPU cores per worker host")
    parser.add_argument("--data-quota", type=float, default=0, help="PostgreSQL + Redis host")
    parser.add_argument("--infra-quota", type=float, default=0, help="target, scheduler hosts")
    parser.add_argument(
        "--shares", type=int, default=1024, help="cpu.shares of each host's CPU group"
    )
    parser.add_argument("--servers", type=int, default=12000)
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--duration", type=float, default=40)
    parser.add_argument("--warmup", type=float, default=15)
    parser.add_argument("--start-delay", type=float, default=5)
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--how", choices=["kill", "link", "scheduler", "redis"], default="kill")
    parser.add_argument("--outage", type=float, default=30, help="--how redis: seconds")
    parser.add_argument("--env", nargs="*", default=[], help="NAME=VALUE for PulseGuard processes")
    args = parser.parse_args()
    args.mode, args.workers, args.web_concurrency = "postgres", None, None
    args.assertions_share = 0.0  # bench/checks: plain HTTP checks
    args.env = dict(item.split("=", 1) for item in args.env)
    if args.scenario == "throughput":
        rounds = [one_round(args, n) for n in args.hosts]
    else:
        rounds = [one_round(args, args.hosts[0], fault=args.how)]
    print(json.dumps(rounds, indent=1))
    print("\n".join(summary(rounds)))
    print(
        "reproduce: flock /tmp/pulseguard-bench.lock "
        + shlex.join([sys.executable.replace(str(ROOT) + "/", ""), *sys.argv])
    )


if __name__ == "__main__":
    main()
