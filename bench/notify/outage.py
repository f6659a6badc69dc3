"""Benchmark: a mass outage's notifications through the Procfile processes (one RQ worker).

    .venv/bin/python bench/notify/outage.py --outage 2000 --hanging 100 --healthy 1000

--healthy HTTP servers are checked every --interval s against bench/checks/target.py (their
intervals at the target are what "checks must not suffer" is measured on). At the outage time
all --outage servers are due at once and their checks are refused (a closed port): each goes
up -> down and has one config per channel (webhook, Apprise json://, ntfy://) pointing at
bench/notify/receiver.py, in its own process, answering after --latency-ms; the first --hanging
servers' configs point at paths that never answer. The run stops when every healthy delivery's
first attempt has ended (sent, or failed and retrying later), or at --deadline s after the
outage, and reports the failures by error text instead of waiting for them.

Prints: healthy deliveries/s (first down recorded -> last healthy delivery finished), the
healthy servers' interval deviation p99 before the outage and while notifying, CPU ms per
delivery of the (notifying) worker, PSS and RSS per process, and with --profile a py-spy summary
of that worker during the delivery phase (inclusive and own samples per function). --queues, once
per worker, gives each worker its WORKER_QUEUES (notify in a worker of its own).
"""

import argparse
import json
import shlex
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import redis
from sqlalchemy import create_engine, insert, select, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.checks.run import BIN, Bench, free_port, proc_table, wait_file  # noqa: E402
from bench.notify.profile import summary  # noqa: E402
from pulseguard.models import NotificationConfig, Server, ServerStatus, User  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/7"


def recipient(channel: str, base: str, path: str) -> tuple[str, str]:
    if channel == "webhook":
        return "webhook", f"http://{base}/{path}"
    if channel == "json":
        return "apprise", f"json://{base}/{path}"
    return "ntfy", f"ntfy://{base}/{path}"


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


class OutageBench(Bench):
    def __init__(self, args):
        super().__init__(args)
        self.redis_url = args.redis_url

    def seed(self, port):
        super().seed(port)  # the healthy servers, first checks spread over one interval from t0
        args = self.args
        self.t_out = self.t0 + args.warmup
        engine = create_engine(self.db_url)
        with engine.begin() as conn:
            owner = conn.execute(select(User.__table__.c.id)).scalar_one()
            rows = [
                {"owner_id": owner, "name": f"{'hang' if i < args.hanging else 'down'}{i}",
                 "protocol": "http", "host": "127.0.0.1", "port": self.closed_port, "path": "/",
                 "check_interval_s": 300, "timeout_s": 2.0, "monitoring_state": "active",
                 "tags": [], "headers": {}, "assertions": [], "failure_threshold": 1,
                 "next_check_at": datetime.fromtimestamp(self.t_out, UTC)}
                for i in range(args.outage)
            ]  # fmt: skip
            ids = conn.execute(
                insert(Server.__table__).returning(Server.__table__.c.id), rows
            ).scalars()
            ids = sorted(ids)
            statuses = [{"server_id": sid, "health": "up", "message": "ok"} for sid in ids]
            conn.execute(insert(ServerStatus.__table__), statuses)
            base = f"127.0.0.1:{self.receiver_port}"
            configs = []
            for i, sid in enumerate(ids):
                path = f"hang{i}" if i < args.hanging else f"hook{i}"
                for channel in args.channels.split(","):
                    kind, address = recipient(channel, base, path)
                    configs.append(
                        {"owner_id": owner, "server_id": sid, "notification_type": kind,
                         "recipient": address, "events": ["down", "recovery"]}
                    )  # fmt: skip
            conn.execute(insert(NotificationConfig.__table__), configs)
        engine.dispose()
        self.hanging_ids = set(ids[: args.hanging])
        self.expected = (args.outage - args.hanging) * len(args.channels.split(","))

    def start_pulseguard(self):
        redis.Redis.from_url(self.redis_url).flushdb()
        extra = dict(kv.split("=", 1) for kv in self.args.env)
        queues = self.args.queues or [None] * self.args.workers
        for n, served in enumerate(queues):
            own = extra | ({"WORKER_QUEUES": served} if served else {})
            self.start(f"worker{n}", [sys.executable, "worker.py"], **own)
        # The worker that notifies is profiled and its CPU counted per delivery.
        self.notifier = next(
            (n for n, served in enumerate(queues) if served is None or "notify" in served), 0
        )
        self.start("scheduler", [str(BIN / "flask"), "start-scheduler"], **extra)

    def deliveries(self, conn):
        return conn.execute(
            text(
                "select server_id, attempt, outcome, error, created_at, duration_ms "
                "from notification_deliveries where event = 'failure'"
            )
        ).all()

    def run(self):
        args = self.args
        started = subprocess.Popen
        target_port, self.hits_file = self.tmp / "port", self.tmp / "hits"
        receiver_port, counts_file = self.tmp / "rport", self.tmp / "counts"
        target = started([sys.executable, str(ROOT / "bench/checks/target.py"),
                          str(target_port), str(self.hits_file)])  # fmt: skip
        receiver = started([sys.executable, str(ROOT / "bench/notify/receiver.py"),
                            str(receiver_port), str(counts_file),
                            "--latency-ms", str(args.latency_ms)])  # fmt: skip
        self.closed_port = free_port()
        try:
            port = int(wait_file(target_port))
            self.receiver_port = int(wait_file(receiver_port))
            self.db_url = self.database()
            upgrade = [str(BIN / "flask"), "db", "upgrade"]
            subprocess.run(upgrade, cwd=ROOT, env=self.env(), check=True, capture_output=True)
            self.seed(port)
            self.start_pulseguard()
            time.sleep(max(0.0, self.t_out - time.time()))
            worker = self.procs[self.notifier][1].pid
            before = proc_table()
            spy = None
            if args.profile:
                self.profile_file = self.tmp / "profile.txt"
                spy = started([str(BIN / "py-spy"), "record", "-p", str(worker), "-r", "50",
                               "-d", str(args.profile), "-f", "raw", "--nonblocking",
                               "-o", str(self.profile_file)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            rows = self.wait_for_deliveries()
            after = proc_table()
            self.t_done = time.time()
            time.sleep(args.tail)
            memory = self.memory_by_process()
            memory["receiver"] = [round(after[receiver.pid][2] / 2**20, 1), None]
            if spy is not None:
                spy.wait(timeout=args.profile + 30)
        finally:
            for proc in (target, receiver):
                proc.terminate()
            self.stop()
        cpu = {name: after[p.pid][1] - before[p.pid][1] for name, p in self.procs}
        cpu["receiver"] = after[receiver.pid][1] - before[receiver.pid][1]
        return self.report(rows, cpu, memory, json.loads(counts_file.read_text()))

    def wait_for_deliveries(self):
        engine = create_engine(self.db_url)
        deadline = self.t_out + self.args.deadline
        while True:
            time.sleep(2)
            with engine.connect() as conn:
                rows = self.deliveries(conn)
            ended = [r for r in rows if r.server_id not in self.hanging_ids and r.attempt == 1
                     and r.outcome != "sending"]  # fmt: skip
            if len(ended) >= self.expected or time.time() > deadline:
                engine.dispose()
                return rows

    def stop(self):
        for _name, proc in self.procs:
            proc.terminate()
        for _name, proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if hasattr(self, "pg_url"):
            import psycopg

            from bench.checks.run import PG_ADMIN

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def report(self, rows, cpu, memory, counts):
        args = self.args
        healthy = [r for r in rows if r.server_id not in self.hanging_ids and r.attempt == 1]
        failed = [r for r in healthy if r.outcome not in {"sent", "sending"}]
        sent = [r for r in healthy if r.outcome == "sent"]
        first = min((r.created_at for r in rows), default=None)
        ends = [r.created_at.timestamp() + (r.duration_ms or 0) / 1000 for r in sent]
        span = (max(ends) - first.timestamp()) if ends and first else float("nan")
        deviations = {"before": [], "during": []}
        by_window = {}  # while notifying, per 10 s after the outage: the burst apart from the rest
        for line in self.hits_file.read_text().splitlines() if self.hits_file.exists() else ():
            _index, *times = line.split()
            hits = [float(t) for t in times]
            for a, b in zip(hits, hits[1:], strict=False):
                phase = "before" if b < self.t_out else "during" if b < self.t_done else None
                if phase:
                    deviations[phase].append(abs(b - a - args.interval) * 1000)
                if phase == "during":
                    window = int((b - self.t_out) // 10) * 10
                    by_window.setdefault(window, []).append(abs(b - a - args.interval) * 1000)
        hanging = [r for r in rows if r.server_id in self.hanging_ids]
        figures = {
            "outage_servers": args.outage,
            "hanging_servers": args.hanging,
            "channels": args.channels,
            "receiver_latency_ms": args.latency_ms,
            "healthy_servers_checked": args.healthy,
            "check_interval_s": args.interval,
            "workers": len(args.queues) or args.workers,
            "queues_by_worker": args.queues or None,
            "env": args.env,
            "healthy_expected": self.expected,
            "healthy_sent": len(sent),
            "healthy_first_attempts_failed": len(failed),
            "healthy_not_ended": sum(r.outcome == "sending" for r in healthy),
            "healthy_never_started": self.expected - len(healthy),
            "healthy_failures_by_error": Counter((r.error or "")[:120] for r in failed).most_common(
                5
            ),
            "first_down_to_last_healthy_sent_s": round(span, 2),
            "healthy_sent_per_s": round(len(sent) / span, 1) if span == span else None,
            "hanging_outcomes": Counter((r.attempt, r.outcome) for r in hanging).most_common(),
            "interval_dev_p99_ms_before": round(pct(deviations["before"], 0.99), 1),
            "interval_dev_p99_ms_while_notifying": round(pct(deviations["during"], 0.99), 1),
            "interval_dev_max_ms_while_notifying": round(max(deviations["during"], default=0), 1),
            "interval_dev_p99_ms_per_10s_after_outage": {
                f"{w}-{w + 10}s": round(pct(v, 0.99), 1) for w, v in sorted(by_window.items())
            },
            "interval_pairs_before_during": [len(deviations["before"]), len(deviations["during"])],
            "cpu_s_by_process_while_notifying": {k: round(v, 2) for k, v in cpu.items()},
            "notify_worker_cpu_ms_per_delivery": round(
                cpu[f"worker{self.notifier}"] * 1000 / max(1, len(rows)), 2
            ),
            "rss_pss_mib_by_process_at_end": memory,
            "pss_mib_sum_pulseguard": round(sum(p for _r, p in memory.values() if p), 1),
            "rss_mib_sum_pulseguard": round(
                sum(r for k, (r, _p) in memory.items() if k != "receiver"), 1
            ),  # fmt: skip
            "receiver": {k: v for k, v in counts.items() if k != "per_second"},
        }
        if args.profile and self.profile_file.exists():
            figures["profile_worker"] = summary(self.profile_file.read_text(), top=args.top)
        return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outage", type=int, default=2000)
    parser.add_argument("--hanging", type=int, default=100)
    parser.add_argument("--channels", default="webhook,json,ntfy")
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--healthy", type=int, default=1000)
    parser.add_argument("--interval", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--queues", action="append", default=[],
        help="WORKER_QUEUES of one worker, once per worker (overrides --workers): "
        "--queues upkeep,checks --queues notify gives notify a worker of its own",
    )  # fmt: skip
    parser.add_argument("--warmup", type=float, default=50, help="first check to outage, s")
    parser.add_argument("--deadline", type=float, default=120, help="outage to giving up, s")
    parser.add_argument("--tail", type=float, default=3)
    parser.add_argument("--profile", type=int, default=0, help="py-spy the worker for N s")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--env", action="append", default=[], help="NAME=value for PulseGuard")
    parser.add_argument("--redis-url", default=REDIS_URL)
    args = parser.parse_args()
    args.servers, args.mode = args.healthy, "postgres"
    args.assertions_share, args.start_delay = 0, 8
    figures = OutageBench(args).run()
    print(json.dumps(figures, indent=1, default=str))
    print("reproduce: " + shlex.join([sys.executable.replace(str(ROOT) + "/", ""), *sys.argv]))


if __name__ == "__main__":
    main()
