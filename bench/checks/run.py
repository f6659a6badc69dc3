"""Check engine benchmark: N HTTP servers at an interval against a local ~50 ms target.

    .venv/bin/python bench/checks/run.py --servers 10000 --interval 30 --mode postgres --workers 2

Modes: `postgres` runs the Procfile processes (gunicorn web, W x `python worker.py`,
`flask start-scheduler`) on a fresh PostgreSQL database and Redis; `sqlite` runs `make run`'s single
gunicorn process (embedded dispatcher and engine, no Redis) on a fresh SQLite file. After a warm-up
it measures for --duration seconds and prints: checks achieved vs planned per second, the interval
each server actually saw at the target (median, p99 of the deviation), schedule lag (hit time minus
planned time), CPU seconds per 1,000 checks of all PulseGuard processes (PostgreSQL backends of the
bench database and Redis separately), RSS, and database bytes per 1,000 checks.

`--assertions-share 0.2` gives one server in five (spread evenly) three JSON assertions on the
target's health document (API-NEXT §1.5), all of which pass, so every result stores three verdicts.
"""

import argparse
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import redis
from sqlalchemy import create_engine, func, insert, select, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pulseguard.models import PingResult, Server, ServerStatus, User  # noqa: E402

BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
TICK = os.sysconf("SC_CLK_TCK")
# Three JSON assertions on bench/checks/target.py's document, as the API stores them.
ASSERTIONS = [
    {"type": "json", "operator": "==", "path": "db.ok", "value": True},
    {"type": "json", "operator": "<", "path": "db.latency_ms", "value": 100},
    {"type": "json", "operator": "matches", "path": "version", "value": r"^1\.\d+"},
]


def carries_assertions(index: int, share: float) -> bool:
    """True for a `share` of the indexes, spread evenly (0.2: every fifth)."""
    return int((index + 1) * share) > int(index * share)


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def wait_file(path, timeout=10):
    deadline = time.time() + timeout
    while not (path.exists() and path.read_text()):
        if time.time() > deadline:
            raise RuntimeError(f"{path} not written")
        time.sleep(0.05)
    return path.read_text()


def proc_table():
    """{pid: (ppid, cpu seconds, rss bytes)} of every process we can read."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            rss_pages = int(fields[21])
            table[int(entry)] = (
                int(fields[1]),
                (int(fields[11]) + int(fields[12])) / TICK,
                rss_pages * os.sysconf("SC_PAGE_SIZE"),
            )
        except (OSError, IndexError, ValueError):
            continue
    return table


def descendants(roots, table):
    found, frontier = set(roots), set(roots)
    while frontier:
        frontier = {pid for pid, (ppid, *_rest) in table.items() if ppid in frontier} - found
        found |= frontier
    return {pid for pid in found if pid in table}


def pss_bytes(pid):
    """Proportional set size: RSS with each shared page divided among the processes mapping it."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="pulseguard-bench-"))
        self.procs = []
        self.name = f"pulseguard_bench_{uuid.uuid4().hex[:8]}"
        self.redis_url, self.target_host = REDIS_URL, "127.0.0.1"  # bench/scaleout: other hosts

    # -- setup -------------------------------------------------------------------------------
    def database(self):
        if self.args.mode == "postgres":
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            base = PG_ADMIN.rsplit("/", 1)[0]
            self.pg_url = f"{base}/{self.name}"
            return f"{base}/{self.name}".replace("postgresql://", "postgresql+psycopg://")
        self.sqlite_path = self.tmp / "pulseguard.db"
        return f"sqlite:///{self.sqlite_path}"

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "DATABASE"))}
        env |= {
            "ENVIRONMENT": "development",
            "DATABASE_URL": self.db_url,
            "LOG_DIR": str(self.tmp),
            "LOG_LEVEL": "WARNING",
            "PATH": f"{BIN}:{env.get('PATH', '')}",
            "PYTHONPATH": str(ROOT),
        }
        if self.args.mode == "postgres":
            env["REDIS_URL"] = self.redis_url
        return env | extra

    def seed(self, port):
        args = self.args
        share = args.assertions_share
        engine = create_engine(self.db_url)
        now = time.time()
        self.t0 = now + args.start_delay
        with engine.begin() as conn:
            owner = conn.execute(
                insert(User.__table__).returning(User.__table__.c.id),
                [{"username": "bench", "password_hash": "!", "is_admin": True}],
            ).scalar_one()
            rows = [
                {
                    "owner_id": owner,
                    "name": f"s{i}",
                    "protocol": "http",
                    "host": self.target_host,
                    "port": port,
                    "path": f"/s/{i}",
                    "check_interval_s": args.interval,
                    "timeout_s": 10.0,
                    "monitoring_state": "active",
                    "tags": [],
                    "headers": {},
                    "assertions": ASSERTIONS if carries_assertions(i, share) else [],
                    "next_check_at": datetime.fromtimestamp(
                        self.t0 + args.interval * i / args.servers, UTC
                    ),
                }
                for i in range(args.servers)
            ]
            conn.execute(insert(Server.__table__), rows)
            ids = conn.execute(select(Server.__table__.c.id)).scalars().all()
            conn.execute(insert(ServerStatus.__table__), [{"server_id": sid} for sid in ids])
        engine.dispose()

    def start(self, name, argv, **env):
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env(**env), stdout=log, stderr=log)
        self.procs.append((name, proc))
        return proc

    def start_pulseguard(self):
        self.web_port = web_port = free_port()
        web_env = {"HOST": "127.0.0.1", "PORT": str(web_port)}
        if self.args.web_concurrency:
            web_env["WEB_CONCURRENCY"] = str(self.args.web_concurrency)
        gunicorn = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
        if self.args.mode == "sqlite":
            self.start("web", gunicorn, **web_env)
            return
        redis.Redis.from_url(self.redis_url).flushdb()
        self.start("web", gunicorn, **web_env)
        for n in range(self.args.workers):
            self.start(f"worker{n}", [sys.executable, "worker.py"])
        self.start("scheduler", [str(BIN / "flask"), "start-scheduler"])

    def prepare(self, port):
        """A fresh database, migrated and seeded; PulseGuard started; the warm-up waited out."""
        self.db_url = self.database()
        upgrade = [str(BIN / "flask"), "db", "upgrade"]
        subprocess.run(upgrade, cwd=ROOT, env=self.env(), check=True, capture_output=True)
        self.seed(port)
        self.start_pulseguard()
        time.sleep(max(0.0, self.t0 - time.time()) + self.args.warmup)

    # -- measuring ---------------------------------------------------------------------------
    def memory_by_process(self):
        """{name: [RSS MiB, PSS MiB]} of each started process with its children (gunicorn's)."""
        table, memory = proc_table(), {}
        for name, proc in self.procs:
            for pid in sorted(descendants([proc.pid], table)):
                label = name if pid == proc.pid else f"{name}-child"
                mib = [round(table[pid][2] / 2**20, 1), round(pss_bytes(pid) / 2**20, 1)]
                memory[label if label not in memory else f"{label}-{pid}"] = mib
        return memory

    def snapshot(self):
        table = proc_table()
        ours = descendants([p.pid for _, p in self.procs], table)
        snap = {
            "time": time.time(),
            "cpu": sum(table[pid][1] for pid in ours),
            "rss": sum(table[pid][2] for pid in ours),
            "procs": len(ours),
            "load": os.getloadavg()[0],
        }
        engine = create_engine(self.db_url)
        with engine.connect() as conn:
            snap["checks"] = conn.execute(select(func.count()).select_from(PingResult)).scalar()
            if self.args.mode == "postgres":
                snap["db_bytes"] = conn.execute(
                    text("select pg_database_size(current_database())")
                ).scalar()
                pids = (
                    conn.execute(
                        text("select pid from pg_stat_activity where datname = current_database()")
                    )
                    .scalars()
                    .all()
                )
                snap["pg_cpu"] = {pid: table[pid][1] for pid in pids if pid in table}
                snap["tables"] = dict(
                    conn.execute(
                        text(
                            "select relname, pg_total_relation_size(relid) from pg_stat_user_tables"
                        )
                    ).all()
                )
        engine.dispose()
        if self.args.mode == "sqlite":
            wal = Path(f"{self.sqlite_path}-wal")
            snap["db_bytes"] = self.sqlite_path.stat().st_size + (
                wal.stat().st_size if wal.exists() else 0
            )
        else:
            info = redis.Redis.from_url(self.redis_url).info("cpu")
            snap["redis_cpu"] = info["used_cpu_user"] + info["used_cpu_sys"]
        return snap

    def run(self):
        args = self.args
        target_port_file, self.hits_file = self.tmp / "port", self.tmp / "hits"
        script = str(ROOT / "bench/checks/target.py")
        files = [str(target_port_file), str(self.hits_file)]
        target = subprocess.Popen(
            [sys.executable, script, *files, "--delay-ms", str(args.delay_ms)]
        )
        try:
            port = int(wait_file(target_port_file))
            self.prepare(port)
            first = self.snapshot()
            rss_samples = []
            end = first["time"] + args.duration
            while time.time() < end:
                time.sleep(min(5, max(0.0, end - time.time())))
                table = proc_table()
                ours = descendants([p.pid for _, p in self.procs], table)
                rss_samples.append(sum(table[pid][2] for pid in ours))
            last = self.snapshot()
            last["memory"] = self.memory_by_process()
            last["verdicts"] = self.verdict_counts()
        finally:
            for _name, proc in self.procs:
                proc.send_signal(signal.SIGTERM)
            for _name, proc in self.procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            target.send_signal(signal.SIGTERM)
            target.wait(timeout=30)
            if args.mode == "postgres" and hasattr(self, "pg_url"):
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        return self.report(first, last, rss_samples)

    def report(self, first, last, rss_samples):
        args = self.args
        window = last["time"] - first["time"]
        hits = {}
        for line in self.hits_file.read_text().splitlines():
            index, *times = line.split()
            hits[int(index)] = [float(t) for t in times]
        in_window, deviations, lags, timeline = 0, [], [], {}
        for i, times in hits.items():
            t0 = self.t0 + args.interval * i / args.servers
            seen = [t for t in times if first["time"] <= t < last["time"]]
            in_window += len(seen)
            deviations += [(b - a) - args.interval for a, b in zip(seen, seen[1:], strict=False)]
            for t in seen:
                lag = (t - t0) % args.interval
                lag = lag - args.interval if lag > args.interval / 2 else lag
                lags.append(lag)
                timeline.setdefault(int((t - first["time"]) // 30) * 30, []).append(lag)
        checks = last["checks"] - first["checks"]
        per_k = 1000 / max(1, checks)

        def pct(values, q):
            if not values:
                return float("nan")
            values = sorted(values)
            return values[min(len(values) - 1, int(q * len(values)))]

        absdev = [abs(d) for d in deviations]
        figures = {
            "mode": args.mode,
            "servers": args.servers,
            "interval_s": args.interval,
            "workers": args.workers if args.mode == "postgres" else "embedded",
            "window_s": round(window, 1),
            "planned_per_s": round(args.servers / args.interval, 1),
            "achieved_per_s_target": round(in_window / window, 1),
            "recorded_per_s": round(checks / window, 1),
            "interval_median_s": round(args.interval + statistics.median(deviations), 3)
            if deviations
            else None,
            "interval_dev_p99_ms": round(pct(absdev, 0.99) * 1000, 1),
            "interval_dev_max_ms": round(max(absdev, default=float("nan")) * 1000, 1),
            "lag_p50_ms": round(pct(lags, 0.50) * 1000, 1),
            "lag_p99_ms": round(pct(lags, 0.99) * 1000, 1),
            "cpu_ms_per_check_pulseguard": round((last["cpu"] - first["cpu"]) * per_k, 3),
            "rss_mib_max": round(max(rss_samples + [last["rss"]]) / 2**20, 1),
            "processes": last["procs"],
            "db_bytes_per_check": round((last["db_bytes"] - first["db_bytes"]) / max(1, checks), 1),
        }
        figures["lag_p50_p99_ms_per_30s"] = {
            start: [round(pct(v, 0.5) * 1000), round(pct(v, 0.99) * 1000)]
            for start, v in sorted(timeline.items())
        }
        figures["rss_pss_mib_by_process_at_end"] = last["memory"]
        figures["pss_mib_sum_at_end"] = round(sum(p for _r, p in last["memory"].values()), 1)
        figures["loadavg_1min_start_end"] = [first["load"], last["load"]]
        if args.mode == "postgres":
            shared = set(first["pg_cpu"]) & set(last["pg_cpu"])
            pg = sum(last["pg_cpu"][p] - first["pg_cpu"][p] for p in shared)
            pg += sum(last["pg_cpu"][p] for p in set(last["pg_cpu"]) - shared)
            figures["cpu_ms_per_check_postgres_backends"] = round(pg * per_k, 3)
            figures["db_bytes_per_check_by_table"] = {
                name: round((size - first["tables"].get(name, 0)) / max(1, checks), 1)
                for name, size in last["tables"].items()
                if size != first["tables"].get(name, 0)
            }
            figures["cpu_ms_per_check_redis_shared"] = round(
                (last["redis_cpu"] - first["redis_cpu"]) * per_k, 3
            )
        figures["assertions_share"] = args.assertions_share
        figures |= last["verdicts"]
        return figures

    def verdict_counts(self):
        """How many results of the run kept verdicts, and how many failed (expected: none)."""
        engine = create_engine(self.db_url)
        with engine.connect() as conn:
            failed = conn.execute(
                select(func.count()).select_from(PingResult).where(PingResult.outcome != "success")
            ).scalar()
            typeof = "json_type" if self.args.mode == "sqlite" else "json_typeof"
            kept = conn.execute(
                text(f"select count(*) from ping_results where {typeof}(assertions) = 'array'")
            ).scalar()
        engine.dispose()
        return {"results_with_verdicts": kept, "results_not_success": failed}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--interval", type=int, default=30)
    parser.add_argument("--mode", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--web-concurrency", type=int, default=None)
    parser.add_argument("--duration", type=float, default=180)
    parser.add_argument("--warmup", type=float, default=30)
    parser.add_argument(
        "--start-delay", type=float, default=8, help="first planned check after seeding"
    )
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument(
        "--assertions-share",
        type=float,
        default=0.0,
        help="share of servers with three JSON assertions (0.2: one in five)",
    )
    args = parser.parse_args()
    if args.warmup is None:
        args.warmup = 2 * args.interval + 15
    figures = Bench(args).run()
    print(json.dumps(figures, indent=1))
    print(
        "reproduce: flock /tmp/pulseguard-bench.lock "
        + shlex.join([sys.executable.replace(str(ROOT) + "/", ""), *sys.argv])
    )


if __name__ == "__main__":
    main()
