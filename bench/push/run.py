"""Push benchmark: ping ingestion on the Procfile set, and the deadline sweep at 10,000 servers.

    .venv/bin/python bench/push/run.py ingest --servers 100 --duration 30 --rate 1000
    .venv/bin/python bench/push/run.py sweep --servers 10000 --period 60 --duration 90
    .venv/bin/python bench/push/run.py ingest --servers 1000 --profile /tmp/push.txt  # py-spy

`ingest` runs gunicorn (WEB_CONCURRENCY web workers), one RQ worker and the scheduler on a fresh
PostgreSQL database with Redis, seeds N push servers, then drives `GET /api/push/<token>` from
a separate load process (gevent, raw keep-alive HTTP/1.1, so that the client costs little CPU):
first closed-loop with --connections connections for --duration seconds (the most pings/s), then
open-loop at --rate pings/s (latency p50/p99 measured from each ping's planned send time, so a
stall counts against the server). CPU per ping sums every PulseGuard process (`/proc`); the
PostgreSQL backends of the bench database and the shared Redis are printed beside it.

`sweep` seeds N push servers with a --period, each last pinged so that their deadlines fall evenly
over the next period, runs the same process set, and reports how long after its deadline each
server was marked late (the missed result's time minus `next_expected_at`).

With --profile FILE, py-spy samples one web worker (100 Hz, --native, raw collapsed stacks)
through the closed loop; bench/push/profile_summary.py FILE says where its CPU went.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import redis
from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.checks.run import BIN, PG_ADMIN, REDIS_URL, descendants, free_port, proc_table  # noqa: E402
from pulseguard.models import PushMonitor, Server, ServerStatus, User  # noqa: E402
from pulseguard.models.push_monitor import new_token  # noqa: E402


class Stack:
    """A fresh database and the Procfile processes: web, worker, scheduler."""

    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="pulseguard-push-bench-"))
        self.name = f"pulseguard_bench_{uuid.uuid4().hex[:8]}"
        self.procs = []
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        base = PG_ADMIN.rsplit("/", 1)[0]
        self.pg_url = f"{base}/{self.name}"
        self.db_url = self.pg_url.replace("postgresql://", "postgresql+psycopg://")
        upgrade = [str(BIN / "flask"), "db", "upgrade"]
        subprocess.run(upgrade, cwd=ROOT, env=self.env(), check=True, capture_output=True)

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "DATABASE"))}
        env |= {
            "ENVIRONMENT": "development",
            "DATABASE_URL": self.db_url,
            "REDIS_URL": REDIS_URL,
            "LOG_DIR": str(self.tmp),
            "LOG_LEVEL": "WARNING",
            "PATH": f"{BIN}:{env.get('PATH', '')}",
            "PYTHONPATH": str(ROOT),
            # counted, as in production, but high enough that no ping of the bench is refused
            "PUSH_RATE_LIMIT": "1000000 per minute",
        }
        return env | extra

    def seed(self, count, last_ping_at=None, period=86400, grace=3600):
        """Insert `count` push servers; last_ping_at(i) -> when server i was last pinged."""
        engine = create_engine(self.db_url)
        with engine.begin() as conn:
            owner = conn.execute(
                insert(User.__table__).returning(User.__table__.c.id),
                [{"username": "bench", "password_hash": "!", "is_admin": True}],
            ).scalar_one()
            settings = {"push": {"period": period, "cron": None, "timezone": "UTC", "grace": grace}}
            rows = [
                {
                    "owner_id": owner,
                    "name": f"p{i}",
                    "protocol": "push",
                    "host": None,
                    "monitoring_state": "active",
                    "tags": [],
                    "headers": {},
                    "settings": settings,
                }
                for i in range(count)
            ]
            conn.execute(insert(Server.__table__), rows)
            ids = conn.execute(select(Server.__table__.c.id).order_by("id")).scalars().all()
            conn.execute(insert(ServerStatus.__table__), [{"server_id": sid} for sid in ids])
            monitors = []
            for i, sid in enumerate(ids):
                row = {"server_id": sid, "token": new_token(), "stage": "ok", "runs": {}}
                row["running"] = False
                if last_ping_at is not None:
                    pinged = last_ping_at(i)
                    row |= {
                        "last_ping_at": pinged,
                        "next_expected_at": pinged + timedelta(seconds=period),
                        "alert_after": pinged + timedelta(seconds=period + grace),
                    }
                monitors.append(row)
            conn.execute(insert(PushMonitor.__table__), monitors)
            if last_ping_at is not None:
                conn.execute(text("update server_statuses set health = 'up'"))
        engine.dispose()
        return [m["token"] for m in monitors]

    def start(self):
        self.port = free_port()
        redis.Redis.from_url(REDIS_URL).flushdb()
        web = {
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(self.args.web_concurrency),
        }
        gunicorn = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
        self._spawn("web", gunicorn, **web)
        self._spawn("worker", [sys.executable, "worker.py"])
        self._spawn("scheduler", [str(BIN / "flask"), "start-scheduler"])
        deadline = time.time() + 180  # two web workers booting at a load average of 16 took > 60 s
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"gunicorn did not answer (see {self.tmp})")

    def _spawn(self, name, argv, **env):
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env(**env), stdout=log, stderr=log)
        self.procs.append((name, proc))

    def web_workers(self):
        """The gunicorn workers' pids (the web process's children)."""
        web = next(proc for name, proc in self.procs if name == "web")
        table = proc_table()
        return [pid for pid in descendants([web.pid], table) if pid != web.pid]

    def cpu_by_process(self):
        """{web, worker, scheduler: CPU s of that process and its children} now."""
        table = proc_table()
        return {
            name: sum(table[pid][1] for pid in descendants([proc.pid], table))
            for name, proc in self.procs
        }

    def cpu(self):
        """(PulseGuard CPU s, PostgreSQL backends' CPU s, Redis CPU s) now."""
        table = proc_table()
        ours = descendants([p.pid for _, p in self.procs], table)
        with psycopg.connect(self.pg_url) as conn:
            pids = [
                r[0]
                for r in conn.execute(
                    "select pid from pg_stat_activity where datname = current_database()"
                )
            ]
        info = redis.Redis.from_url(REDIS_URL).info("cpu")
        return (
            sum(table[pid][1] for pid in ours),
            sum(table[pid][1] for pid in pids if pid in table),
            info["used_cpu_user"] + info["used_cpu_sys"],
        )

    def stop(self):
        for _name, proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for _name, proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def load(port, tokens, seconds, connections, rate, timeline=False):
    """Run bench/push/load.py; return its JSON figures."""
    tokens_file = Path(tempfile.mkstemp(prefix="push-tokens-")[1])
    tokens_file.write_text("\n".join(tokens))
    argv = [sys.executable, str(ROOT / "bench/push/load.py"), str(port), str(tokens_file)]
    argv += ["--seconds", str(seconds), "--connections", str(connections), "--rate", str(rate)]
    argv += ["--timeline"] if timeline else []
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def profile(stack, args):
    """Start py-spy on the first web worker for the closed loop, or None without --profile."""
    if args.profile is None:
        return None
    py_spy = Path(sys.executable).with_name("py-spy")
    command = [str(py_spy) if py_spy.exists() else "py-spy", "record", "--pid"]
    command += [str(stack.web_workers()[0]), "--format", "raw", "--native", "--rate", "100"]
    command += ["--duration", str(int(args.duration)), "-o", args.profile]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ingest(args):
    stack = Stack(args)
    try:
        tokens = stack.seed(args.servers)
        stack.start()
        load(stack.port, tokens, 5, args.connections, 0)  # warm-up: connections, caches
        figures = {"load_avg_start": os.getloadavg()}
        for label, rate in (("closed_loop", 0), (f"open_loop_{args.rate}_per_s", args.rate)):
            profiler = profile(stack, args) if rate == 0 else None
            before, by_process = stack.cpu(), stack.cpu_by_process()
            result = load(stack.port, tokens, args.duration, args.connections, rate, args.timeline)
            after = stack.cpu()
            spent = {k: v - by_process[k] for k, v in stack.cpu_by_process().items()}
            if profiler is not None:
                profiler.wait(60)
            pings = max(1, result["ok"])
            result["cpu_ms_per_ping_pulseguard"] = round((after[0] - before[0]) * 1000 / pings, 3)
            result["cpu_ms_per_ping_postgres"] = round((after[1] - before[1]) * 1000 / pings, 3)
            result["cpu_ms_per_ping_redis_shared"] = round((after[2] - before[2]) * 1000 / pings, 3)
            result["cpu_ms_per_ping_by_process"] = {
                name: round(seconds * 1000 / pings, 3) for name, seconds in spent.items()
            }
            figures[label] = result
            print(label, json.dumps(result), flush=True)  # each phase as soon as it is measured
        figures["load_avg_end"] = os.getloadavg()
        return figures
    finally:
        stack.stop()


def sweep(args):
    stack = Stack(args)
    try:
        stack.start()  # first: booting can take a minute on a loaded machine
        t0 = datetime.now(UTC) + timedelta(seconds=20)  # deadlines start 20 s after seeding

        def pinged(i):
            return (
                t0
                - timedelta(seconds=args.period)
                + timedelta(seconds=args.period * i / args.servers)
            )

        stack.seed(args.servers, last_ping_at=pinged, period=args.period, grace=3600)
        figures = {"load_avg_start": os.getloadavg()}
        before = stack.cpu()
        time.sleep(max(0.0, (t0 - datetime.now(UTC)).total_seconds()) + args.duration)
        after = stack.cpu()
        with psycopg.connect(stack.pg_url) as conn:
            rows = conn.execute(
                "select extract(epoch from r.checked_at - m.next_expected_at)"
                " from ping_results r join push_monitors m on m.server_id = r.server_id"
                " where r.kind = 'missed'"
            ).fetchall()
            due = conn.execute(
                "select count(*) from push_monitors where next_expected_at <= now()"
            ).fetchone()[0]
            unmarked = conn.execute(  # deadlines over 2 s ago with no missed result: failures
                "select count(*) from push_monitors m where m.next_expected_at"
                " <= now() - interval '2 seconds' and not exists (select 1 from ping_results r"
                " where r.server_id = m.server_id and r.kind = 'missed')"
            ).fetchone()[0]
        lateness = sorted(float(r[0]) for r in rows)

        def pct(q):
            return round(lateness[min(len(lateness) - 1, int(q * len(lateness)))], 3)

        figures |= {
            "servers": args.servers,
            "period_s": args.period,
            "deadlines_passed": due,
            "marked_late": len(lateness),
            "late_by_s_p50": pct(0.5) if lateness else None,
            "late_by_s_p99": pct(0.99) if lateness else None,
            "late_by_s_max": round(lateness[-1], 3) if lateness else None,
            "within_2s": sum(1 for x in lateness if x <= 2.0),
            "passed_over_2s_ago_unmarked": unmarked,
            "cpu_s_pulseguard": round(after[0] - before[0], 2),
            "cpu_s_postgres": round(after[1] - before[1], 2),
            "median_s": round(statistics.median(lateness), 3) if lateness else None,
            "load_avg_end": os.getloadavg(),
        }
        return figures
    finally:
        stack.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["ingest", "sweep"])
    parser.add_argument("--servers", type=int, default=100)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--period", type=int, default=60)
    parser.add_argument("--web-concurrency", type=int, default=2)
    parser.add_argument("--profile", help="ingest: py-spy one web worker into this file")
    parser.add_argument("--timeline", action="store_true", help="ingest: latency per second")
    args = parser.parse_args()
    figures = ingest(args) if args.what == "ingest" else sweep(args)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
