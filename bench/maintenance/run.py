"""Maintenance windows and incidents at scale (issue 13): 10,000 HTTP servers with 100 windows.

    .venv/bin/python bench/maintenance/run.py --servers 10000 --interval 30 --workers 2

The Procfile set of bench/checks/run.py (gunicorn web, W RQ workers, the scheduler) on a fresh
PostgreSQL database, against bench/checks/target.py. Server n carries the tag `t<n // 200>`
(50 tags of 200 servers). The 100 windows, all `checks: run`:

- 10 one-off windows in force from the start, on tags t0..t9 (servers 0..1,999);
- 1 one-off window planned to start in the middle of the steady phase, on tags t10..t14
  (servers 2,000..2,999): the figure is the time from its planned start until every one of those
  1,000 servers has `maintenance` set (what its ServerStatus answers as `status: maintenance`);
- 39 tag windows (cron in Europe/Berlin, RRULE in America/New_York) due next week;
- 50 windows on explicit lists of 20 servers (8,000..8,999), due next week.

Phases after the warm-up: steady (`--steady` s: CPU per check of all PulseGuard processes,
interval deviation at the target), then a mass outage: the target answers 503 to servers
5,000..6,999 (`--outage`), none of them in a window, every one watched by an owner-wide webhook
config pointing at a receiver in this process. Measured until all are down, have their incident
and have been notified (or `--outage-timeout`): times from the switch, each server's lag from its
first failing hit at the target to its webhook's arrival, CPU per check meanwhile, and
duplicates (incidents, down changes and webhooks per server beyond one).
"""

import argparse
import json
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
from sqlalchemy import bindparam, create_engine, func, insert, select, text, update

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.checks.run import PG_ADMIN, Bench, descendants, proc_table, wait_file  # noqa: E402
from pulseguard import schedules  # noqa: E402
from pulseguard.models import (  # noqa: E402
    Incident,
    MaintenanceWindow,
    NotificationConfig,
    PingResult,
    Server,
    ServerStatus,
    StatusChange,
)
from pulseguard.models.maintenance_window import window_servers  # noqa: E402

TAGS = 50  # server n of N carries the tag t<n * 50 // N>
ACTIVE_TAGS = range(0, 10)
PLANNED_TAGS = range(10, 15)


class Receiver:
    """A webhook receiver on a free port: the arrival time of every delivery, by server id."""

    def __init__(self):
        self.arrivals: dict[int, list[float]] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                at = time.time()
                try:
                    payload = json.loads(body)
                    sid = (
                        int(payload["server"]["id"]) if payload.get("event") == "failure" else None
                    )
                except (ValueError, KeyError, TypeError):
                    sid = None
                if sid is not None:
                    with receiver.lock:
                        receiver.arrivals.setdefault(sid, []).append(at)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def spec(form: dict) -> dict:
    """Return a schedule spec as the API stores it."""
    return schedules.parse(form).to_spec()


class MaintenanceBench(Bench):
    def __init__(self, args):
        super().__init__(args)
        self.receiver = Receiver()

    def seed(self, port):
        super().seed(port)
        args = self.args
        engine = create_engine(self.db_url)
        self.planned_at = self.t0 + args.warmup + args.steady / 2
        now = datetime.now(UTC)
        with engine.begin() as conn:
            owner = conn.execute(text("select id from users")).scalar_one()
            ids = dict(conn.execute(select(Server.name, Server.id)).all())
            self.ids = [ids[f"s{i}"] for i in range(args.servers)]
            table = Server.__table__
            conn.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(tags=bindparam("b_tags", type_=table.c.tags.type)),
                [
                    {"b_id": sid, "b_tags": [f"t{i * TAGS // args.servers}"]}
                    for i, sid in enumerate(self.ids)
                ],
            )
            rows = self.windows(owner, now) if args.windows else []
            table = MaintenanceWindow.__table__
            window_ids = (
                conn.execute(
                    insert(table).returning(table.c.id, sort_by_parameter_order=True),
                    [row for row, _servers in rows],
                ).scalars()
                if rows
                else []
            )
            links = [
                {"window_id": wid, "server_id": sid}
                for wid, (_row, servers) in zip(window_ids, rows, strict=True)
                for sid in servers
            ]
            if links:
                conn.execute(insert(window_servers), links)
            conn.execute(
                insert(NotificationConfig.__table__),
                [
                    {
                        "owner_id": owner,
                        "name": "bench receiver",
                        "notification_type": "webhook",
                        "recipient": f"http://127.0.0.1:{self.receiver.port}/hook",
                        "enabled": True,
                        "notify_on_failure": True,
                        "notify_on_recovery": True,
                        "max_reminders": 0,
                        "consecutive_failures": 0,
                    }
                ],
            )
        engine.dispose()

    def windows(self, owner, now):
        """Return the 100 window rows, each with the server ids it lists."""
        planned = datetime.fromtimestamp(self.planned_at, UTC)
        base = {
            "owner_id": owner,
            "description": "",
            "tag_match": "any",
            "all_servers": False,
            "checks": "run",
            "uptime": "exclude",
            "notify_start_end": False,
            "status_pages": [],
            "enabled": True,
            "created_at": now,
            "updated_at": now,
        }
        rows = []
        for n in ACTIVE_TAGS:
            once = {
                "type": "once",
                "start": now - timedelta(hours=1),
                "end": now + timedelta(hours=2),
            }
            rows.append(base | {"name": f"active t{n}", "tags": [f"t{n}"], "schedule": once})
        once = {"type": "once", "start": planned, "end": planned + timedelta(hours=1)}
        tags = [f"t{n}" for n in PLANNED_TAGS]
        rows.append(base | {"name": "planned", "tags": tags, "schedule": once})
        rows = [(row | {"schedule": _stored(row["schedule"])}, []) for row in rows]
        next_week = (now + timedelta(days=7)).date()
        for n in range(15, 54):  # 39 tag windows due next week
            if n % 2:
                form = {
                    "type": "cron",
                    "expression": f"{n % 60} 3 * * 0",
                    "timezone": "Europe/Berlin",
                    "duration": 3600,
                    "starts_on": next_week.isoformat(),
                }
            else:
                form = {"type": "rrule", "rrule": "FREQ=WEEKLY;BYDAY=SU",
                        "dtstart": f"{next_week.isoformat()}T02:{n % 60:02d}",
                        "timezone": "America/New_York", "duration": 3600}  # fmt: skip
            row = base | {
                "name": f"weekly t{n % 50}",
                "tags": [f"t{n % 50}"],
                "schedule": spec(form),
            }
            rows.append((row, []))
        for n in range(50):  # 50 windows on lists of 20 servers
            form = {"type": "cron", "expression": f"{n} 4 * * 6", "timezone": "Europe/Berlin",
                    "duration": 1800, "starts_on": next_week.isoformat()}  # fmt: skip
            size = len(self.ids) // 500  # lists on the servers from 80 % to 90 % of them
            first = len(self.ids) * 8 // 10 + n * size
            listed = self.ids[first : first + size]
            rows.append((base | {"name": f"list {n}", "tags": [], "schedule": spec(form)}, listed))
        return rows

    # -- phases ----------------------------------------------------------------------------------
    def time_to_maintenance(self, engine):
        """Seconds from the planned window's start until all of its servers are in maintenance."""
        count = len(self.ids)
        covered = [sid for i, sid in enumerate(self.ids) if i * TAGS // count in PLANNED_TAGS]
        time.sleep(max(0.0, self.planned_at - time.time()))
        stmt = select(func.count()).where(Server.id.in_(covered), Server.maintenance != "")
        deadline = self.planned_at + 30
        with engine.connect() as conn:
            while time.time() < deadline:
                count = conn.execute(stmt).scalar()
                conn.rollback()
                if count == len(covered):
                    return round(time.time() - self.planned_at, 2), count
                time.sleep(0.1)
        return None, count

    def outage(self, engine, fail_file):
        """Fail the outage servers; watch them go down, open incidents and get notified."""
        args = self.args
        lo, hi = args.outage_from, args.outage_from + args.outage
        watched = self.ids[lo:hi]
        fail_file.write_text(f"{lo} {hi}")
        self.target.send_signal(signal.SIGUSR1)
        switched = time.time()
        seen_down, seen_incident, done = {}, {}, {}
        down_q = select(ServerStatus.server_id).where(
            ServerStatus.server_id.in_(watched), ServerStatus.health == "down"
        )
        inc_q = select(Incident.server_id).where(Incident.server_id.in_(watched))
        with engine.connect() as conn:
            while time.time() < switched + args.outage_timeout:
                now = time.time()
                for sid in conn.execute(down_q).scalars():
                    seen_down.setdefault(sid, now)
                for sid in conn.execute(inc_q).scalars():
                    seen_incident.setdefault(sid, now)
                conn.rollback()
                with self.receiver.lock:
                    notified = sum(1 for sid in watched if sid in self.receiver.arrivals)
                for name, count in (("down", len(seen_down)), ("incident", len(seen_incident)),
                                    ("notified", notified)):  # fmt: skip
                    if count == len(watched):
                        done.setdefault(name, round(now - switched, 2))
                if len(done) == 3:
                    break
                time.sleep(0.25)
            figures = self.outage_counts(conn, watched, switched)
        figures |= {
            "outage_servers": len(watched),
            "outage_s_until_all": done,
            "outage_down_seen": len(seen_down),
            "outage_incidents_seen": len(seen_incident),
        }
        self.seen_down = seen_down
        return switched, watched, figures

    def outage_counts(self, conn, watched, switched):
        since = datetime.fromtimestamp(switched, UTC)
        incidents = Counter(
            conn.execute(
                select(Incident.server_id).where(Incident.server_id.in_(watched))
            ).scalars()
        )
        downs = Counter(
            conn.execute(
                select(StatusChange.server_id).where(
                    StatusChange.server_id.in_(watched),
                    StatusChange.new_status == "down",
                    StatusChange.created_at >= since - timedelta(seconds=1),
                )
            ).scalars()
        )
        with self.receiver.lock:
            hooks = {sid: len(self.receiver.arrivals.get(sid, ())) for sid in watched}
        return {
            "outage_incidents_opened": sum(incidents.values()),
            "duplicate_incidents": sum(n - 1 for n in incidents.values() if n > 1),
            "duplicate_down_changes": sum(n - 1 for n in downs.values() if n > 1),
            "duplicate_webhooks": sum(n - 1 for n in hooks.values() if n > 1),
            "webhooks_received": sum(hooks.values()),
            "in_maintenance_results_during_run": conn.execute(
                select(func.count()).select_from(PingResult).where(PingResult.in_maintenance)
            ).scalar(),
        }

    def run(self):
        args = self.args
        port_file, self.hits_file = self.tmp / "port", self.tmp / "hits"
        fail_file = self.tmp / "fail"
        script = str(ROOT / "bench/checks/target.py")
        self.target = target = subprocess.Popen(
            [
                sys.executable,
                script,
                str(port_file),
                str(self.hits_file),
                "--delay-ms",
                str(args.delay_ms),
                "--fail-file",
                str(fail_file),
            ]  # fmt: skip
        )
        figures = {}
        try:
            self.prepare(int(wait_file(port_file)))
            engine = create_engine(self.db_url)
            first = self.snapshot()
            if args.windows:
                figures["window_start_to_all_in_maintenance_s"], figures["planned_covered"] = (
                    self.time_to_maintenance(engine)
                )
            time.sleep(max(0.0, first["time"] + args.steady - time.time()))
            steady = self.snapshot()
            rss = [steady["rss"]]
            switched, watched, outage = self.outage(engine, fail_file)
            after = self.snapshot()
            figures |= outage
            checks = after["checks"] - steady["checks"]
            figures["outage_window_s"] = round(after["time"] - steady["time"], 1)
            figures["outage_checks_recorded"] = checks
            figures["cpu_ms_per_check_pulseguard_outage"] = round(
                (after["cpu"] - steady["cpu"]) * 1000 / max(1, checks), 3
            )
            table = proc_table()
            rss.append(sum(table[p][2] for p in descendants([p.pid for _, p in self.procs], table)))
            steady["memory"] = self.memory_by_process()
            steady["verdicts"] = {}
            engine.dispose()
        finally:
            for _name, proc in self.procs:
                proc.send_signal(signal.SIGTERM)
            for _name, proc in self.procs:
                try:
                    proc.wait(timeout=30)
                except Exception:  # noqa: BLE001
                    proc.kill()
            target.send_signal(signal.SIGTERM)
            target.wait(timeout=30)
            if hasattr(self, "pg_url"):
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        report = self.report(first, steady, rss)
        keep = ("servers", "interval_s", "workers", "window_s", "planned_per_s", "recorded_per_s",
                "interval_median_s", "interval_dev_p99_ms", "interval_dev_max_ms", "lag_p50_ms",
                "lag_p99_ms", "cpu_ms_per_check_pulseguard", "cpu_ms_per_check_postgres_backends",
                "cpu_ms_per_check_redis_shared", "pss_mib_sum_at_end",
                "loadavg_1min_start_end")  # fmt: skip
        steady_figures = {f"steady_{k}": report[k] for k in keep if k in report}
        return steady_figures | figures | self.lags(fail_file, switched, watched)

    def lags(self, fail_file, switched, watched):
        """Each outage server's lag from its first failing hit to its webhook's arrival."""
        first_fail = {}
        hits = Path(f"{fail_file}.hits")
        if hits.exists():
            for line in hits.read_text().splitlines():
                index, *times = line.split()
                first_fail[self.ids[int(index)]] = float(times[0])
        hooked = sorted(
            self.receiver.arrivals[sid][0] - first_fail[sid]
            for sid in watched
            if sid in first_fail and sid in self.receiver.arrivals
        )
        down = sorted(
            self.seen_down[sid] - first_fail[sid]
            for sid in watched
            if sid in first_fail and sid in self.seen_down
        )

        def pct(lags, q):
            return round(lags[min(len(lags) - 1, int(q * len(lags)))], 2) if lags else None

        return {
            "fail_hit_to_seen_down_s_p50_p99_max": [pct(down, q) for q in (0.5, 0.99, 1.0)],
            "fail_hit_to_webhook_s_p50_p99_max": [pct(hooked, q) for q in (0.5, 0.99, 1.0)],
            "fail_hits_seen": len(first_fail),
            "first_fail_hit_after_switch_s_max": round(
                max(first_fail.values(), default=switched) - switched, 2
            ),
        }


def _stored(form):
    form = dict(form)
    for key in ("start", "end"):
        form[key] = form[key].isoformat()
    return schedules.parse(form, validate=False).to_spec()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=10000)
    parser.add_argument("--interval", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--web-concurrency", type=int, default=1)
    parser.add_argument("--steady", type=float, default=80, help="seconds of the steady phase")
    parser.add_argument("--warmup", type=float, default=30)
    parser.add_argument("--start-delay", type=float, default=8)
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--windows", type=int, choices=(0, 100), default=100, help="0: none")
    parser.add_argument("--outage", type=int, default=2000, help="servers failing at once")
    parser.add_argument("--outage-from", type=int, help="the first failing index (default N/2)")
    parser.add_argument("--outage-timeout", type=float, default=70)
    args = parser.parse_args()
    args.mode, args.assertions_share, args.duration = "postgres", 0.0, args.steady
    if args.outage_from is None:
        args.outage_from = args.servers // 2
    print(json.dumps(MaintenanceBench(args).run(), indent=1))
    print(
        "reproduce: /work/notes/bin/pg-bench maintenance "
        + shlex.join([sys.executable.replace(str(ROOT) + "/", ""), *sys.argv])
    )


if __name__ == "__main__":
    main()
