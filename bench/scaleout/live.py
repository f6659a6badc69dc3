"""Live across hosts: SSE clients on web hosts see every event of checks run on a worker host.

    .venv/bin/python bench/scaleout/live.py --streams 400 --web-hosts 1 --owners 40 --servers 800
    .venv/bin/python bench/scaleout/live.py --streams 10000 --web-hosts 2 --owners 200

Hosts (bench/scaleout/lab.py): `data` (PostgreSQL + Redis of this run), `target`, `ctl` (the
scheduler), `wB` (one worker.py: every check runs there), `webA` (and `webB`: gunicorn), and
`clients` (bench/live/clients.py processes). Servers are spread over --owners users; each stream
follows one owner (the streams are spread over the owners and the web hosts), so each stream gets
its owner's events only. The benchmark subscribes to the events channel itself: the time Redis
handed it a ping is the publish time; a sample of the streams (--sample per client process)
reports when each ping arrived, so that publish -> receive is measured per delivery, and a
sampled stream that misses a ping published while it was open counts it as lost.
"""

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.checks.run import BIN, descendants, proc_table, pss_bytes  # noqa: E402
from bench.scaleout.lab import Lab  # noqa: E402
from bench.scaleout.run import DataHost, HostsBench  # noqa: E402

WEB_PORT = 8000
SECRET = "scaleout-live-" + "s" * 32
JWT_SECRET = "scaleout-live-jwt-" + "j" * 32
CHANNEL = "scaleout-live"


class Publishes:
    """The benchmark's own subscriber: when Redis handed out each ping, and whose it was."""

    def __init__(self, url: str):
        self.at: dict[int, float] = {}
        self.owner: dict[int, int] = {}
        self.pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(CHANNEL)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for message in self.pubsub.listen():
            now = time.time()
            for event in json.loads(message["data"]):
                if event.get("type") == "ping":
                    self.at.setdefault(int(event["id"]), now)
                    self.owner[int(event["id"])] = int(event["owner_id"])


class PubsubWatch:
    """Once a second, Redis' pubsub clients: the largest output buffer each had, and every id.

    A subscriber that Redis disconnects (client-output-buffer-limit pubsub) and that subscribes
    again shows up as a new id from the same host.
    """

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(url)
        self.omem: dict[str, int] = {}  # host address -> largest output buffer seen (bytes)
        self.ids: dict[str, set[int]] = {}  # host address -> pubsub client ids seen
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                for client in self.client.client_list(_type="pubsub"):
                    host = client["addr"].rsplit(":", 1)[0]
                    self.omem[host] = max(self.omem.get(host, 0), int(client["omem"]))
                    self.ids.setdefault(host, set()).add(int(client["id"]))
            except redis.RedisError:
                pass
            time.sleep(1)

    def figures(self, names: dict[str, str]) -> dict:
        self.running = False
        return {
            names.get(host, host): {
                "max_output_buffer_kib": round(self.omem[host] / 1024, 1),
                "subscriber_connections": len(self.ids[host]),
            }
            for host in sorted(self.omem)
        }


def log_counts(logs: dict[str, Path]) -> dict:
    """What the web hosts' logs say about their streams and their bus subscription."""
    patterns = {
        "streams_dropped": "Dropping a ",
        "dropped_stopped_reading": "it stopped reading",
        "bus_lost": "Live event bus lost",
        "tracebacks": "Traceback (most recent call last)",
        "pool_timeouts": "QueuePool limit",
    }
    out = {}
    for host, path in logs.items():
        text = path.read_text(errors="replace") if path.exists() else ""
        out[host] = {key: text.count(pattern) for key, pattern in patterns.items()}
    return out


class LiveBench(HostsBench):
    def __init__(self, args, lab, data, webs):
        super().__init__(args, lab, data, ["wB"])
        self.webs = webs

    def env(self, **extra):
        return super().env(**extra) | {
            "SECRET_KEY": SECRET,
            "JWT_SECRET_KEY": JWT_SECRET,
            "EVENTS_CHANNEL": CHANNEL,
            "RATE_LIMIT_ENABLED": "false",
            "WEB_CONCURRENCY": str(self.args.web_concurrency),
            "PORT": str(WEB_PORT),
        }

    def start_pulseguard(self):
        super().start_pulseguard()
        for host in self.webs:
            env = self.env() | {"HOST": self.lab.address(host), "LOG_LEVEL": "INFO"}
            log = self.tmp / f"{host}.log"
            argv = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
            proc = self.lab.start(host, argv, env, log=log, uses=[self.data.address], cwd=ROOT)
            self.procs.append((host, proc))

    def tokens(self) -> tuple[list[str], list[int]]:
        """Make --owners users, spread the servers over them, return an access token each."""
        from config import DevelopmentConfig
        from pulseguard import create_app
        from pulseguard.extensions import db
        from pulseguard.models import Server, User
        from pulseguard.security import issue_tokens

        config = DevelopmentConfig()  # the web hosts' settings: their secret signs the tokens
        config.SQLALCHEMY_DATABASE_URI, config.REDIS_URL = self.db_url, None
        config.SECRET_KEY, config.JWT_SECRET_KEY, config.LOG_DIR = SECRET, JWT_SECRET, None
        app = create_app(config)
        with app.app_context():
            users = [User(username=f"owner{i}") for i in range(self.args.owners)]
            for user in users:
                user.password_hash = "!"
            db.session.add_all(users)
            db.session.flush()
            ids = [u.id for u in users]
            for n, server in enumerate(db.session.query(Server).order_by(Server.id)):
                server.owner_id = ids[n % len(ids)]
            db.session.commit()
            tokens = [issue_tokens(user, refresh=False)["access"] for user in users]
            db.engine.dispose()
        return tokens, ids


def wait_web(address: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"http://{address}:{WEB_PORT}/healthz", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"web at {address} did not start")
        time.sleep(0.5)


def memory(procs) -> dict:
    table, out = proc_table(), {}
    for name, proc in procs:
        pids = descendants([proc.pid], table)
        out[name] = [
            round(sum(table[p][2] for p in pids) / 2**20, 1),
            round(sum(pss_bytes(p) for p in pids) / 2**20, 1),
        ]
    return out


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def run(args) -> dict:
    webs = ["webA", "webB"][: args.web_hosts]
    hosts = ["data", "target", "ctl", "wB", *webs, "clients"]
    with (
        tempfile.TemporaryDirectory(prefix="pulseguard-live-") as tmp,
        Lab(hosts, {}) as lab,
    ):
        data = DataHost(lab, Path(tmp)).start()
        args.fault = None
        bench = LiveBench(args, lab, data, webs)
        target_file, bench.hits_file = bench.tmp / "port", bench.tmp / "hits"
        target_argv = [sys.executable, str(ROOT / "bench/checks/target.py"), str(target_file)]
        target_argv += [str(bench.hits_file), "--host", lab.address("target")]
        target = lab.start("target", target_argv, dict(os.environ), uses=[lab.address("target")])
        try:
            from bench.checks.run import wait_file

            bench.prepare(int(wait_file(target_file)))
            for host in webs:
                wait_web(lab.address(host))
            tokens, owner_ids = bench.tokens()
            publishes = Publishes(data.redis_url)
            watch = PubsubWatch(data.redis_url)
            clients, per = [], -(-args.streams // args.client_processes)
            for first in range(0, args.streams, per):
                web = webs[(first // per) % len(webs)]
                job = {
                    "port": WEB_PORT,
                    "host": lab.address(web),
                    "tokens": tokens,
                    "sse": args.streams,
                    "first": first,
                    "count": min(per, args.streams - first),
                    "sample": args.sample,
                }
                argv = [sys.executable, str(ROOT / "bench/live/clients.py"), json.dumps(job)]
                lab.check_ours(job["host"])
                proc = subprocess.Popen(
                    ["ip", "netns", "exec", lab.namespace("clients"), *argv],
                    stdout=subprocess.PIPE,
                    text=True,
                    start_new_session=True,
                )
                clients.append(proc)
            opened = 0
            for proc in clients:
                line = proc.stdout.readline().split()
                opened += int(line[1]) if line and line[0] == "READY" else 0
            ready_at = time.time()
            outage = None
            if args.redis_outage:
                time.sleep(args.outage_at)
                outage = [t - ready_at for t in redis_outage(data, args.redis_outage)]
            time.sleep(max(0.0, ready_at + args.duration - time.time()))
            stop_at = time.time()
            mem = memory([(n, p) for n, p in bench.procs if n in webs])
            for proc in clients:
                proc.send_signal(signal.SIGUSR1)
            results = [json.loads(proc.stdout.readline() or "{}") for proc in clients]
            for proc in clients:
                proc.wait(30)
            recorded = recorded_pings(bench.pg_url, ready_at + 1, stop_at - 5)
            names = {lab.address(h): h for h in hosts}
            diagnosis = {
                "pubsub_clients": watch.figures(names),
                "web_logs": log_counts({h: bench.tmp / f"{h}.log" for h in webs}),
                "redis_log_output_buffer": data.redis_log.read_text().count("output buffer"),
                "logs_in": str(bench.tmp),
            }
        finally:
            for proc in locals().get("clients", []):
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
            bench.stop_processes()
            os.killpg(target.pid, signal.SIGTERM)
    out = figures(args, publishes, results, ready_at, stop_at, opened, mem, owner_ids)
    out["of_recorded"] = against_recorded(publishes, results, owner_ids, recorded, outage)
    return out | diagnosis


def redis_outage(data, seconds: float) -> list[float]:
    """Stop redis-server (SIGSTOP: its connections hang, as in a partition) for `seconds`."""
    os.killpg(data.redis_process.pid, signal.SIGSTOP)
    began = time.time()
    try:
        time.sleep(seconds)
    finally:
        os.killpg(data.redis_process.pid, signal.SIGCONT)
    return [began, time.time()]


def recorded_pings(pg_url: str, start: float, end: float) -> list[tuple[int, int, float]]:
    """(id, owner id, checked at) of every result recorded for a check started in [start, end)."""
    query = """
        SELECT p.id, s.owner_id, extract(epoch FROM p.checked_at) FROM ping_results p
        JOIN servers s ON s.id = p.server_id
        WHERE p.checked_at >= to_timestamp(%s) AND p.checked_at < to_timestamp(%s)
    """
    with psycopg.connect(pg_url) as conn:
        return [(int(i), int(o), float(t)) for i, o, t in conn.execute(query, (start, end))]


def against_recorded(publishes, results, owner_ids, recorded, outage) -> dict:
    """The sampled streams against the database: every result of their owner, published or not.

    The benchmark's own subscriber sees only what reached Redis; results recorded while Redis was
    away were never published, and reach a stream only by its catch-up from the database.
    """
    expected, lost, late = Counter(), Counter(), []
    for result in results:
        for name, arrived in result.get("arrivals", {}).items():
            owner = owner_ids[int(name.rsplit("-", 1)[1])]
            seen = set(result["received"][name])
            for ping_id, ping_owner, at in recorded:
                if ping_owner != owner:
                    continue
                kind = "published" if ping_id in publishes.at else "never_published"
                expected[kind] += 1
                if ping_id not in seen:
                    lost[kind] += 1
                elif kind == "never_published" and str(ping_id) in arrived:
                    late.append(arrived[str(ping_id)] - at)  # check start -> received
    out = {"sampled_expected": dict(expected), "sampled_lost": dict(lost)}
    if late:
        out["never_published_received_after_s_p50_max"] = [
            round(pct(late, 0.5), 1),
            round(max(late), 1),
        ]
    if outage:
        out["redis_outage_s_into_window"] = [round(t, 1) for t in outage]
    return out


def figures(args, publishes, results, ready_at, stop_at, opened, mem, owner_ids) -> dict:
    latencies, lost, expected_total = [], Counter(), 0
    window = [
        i for i, t in publishes.at.items() if ready_at + 1 <= t <= stop_at - 2
    ]  # published while every stream was open, with 2 s to arrive
    for result in results:
        for name, arrived in result.get("arrivals", {}).items():
            owner = owner_ids[int(name.rsplit("-", 1)[1])]
            seen = set(result["received"][name])
            opened_at, ended_at = result.get("spans", {}).get(name, [None, None])
            mine = [i for i in window if publishes.owner[i] == owner]
            expected_total += len(mine)
            for i in mine:
                if i not in seen:
                    lost[why_lost(publishes.at[i], opened_at, ended_at)] += 1
            latencies += [arrived[str(i)] - publishes.at[i] for i in mine if str(i) in arrived]
    deliveries = sum(sum(r.get("counts", {}).values()) for r in results)
    return {
        "streams_open": opened,
        "web_hosts": args.web_hosts,
        "web_concurrency": args.web_concurrency,
        "owners": len(owner_ids),
        "servers": args.servers,
        "interval_s": args.interval,
        "window_s": round(stop_at - ready_at, 1),
        "pings_published": len(window),
        "deliveries_per_s": round(deliveries / max(1, stop_at - ready_at), 1),
        "sampled_deliveries": expected_total,
        "lost": sum(lost.values()),
        "lost_by_stream_state": dict(lost),
        "streams_ended_by_server": sum(r.get("ended_by_server", 0) for r in results),
        "publish_to_receive_p50_ms": round(pct(latencies, 0.5) * 1000, 1),
        "publish_to_receive_p99_ms": round(pct(latencies, 0.99) * 1000, 1),
        "publish_to_receive_max_ms": round(max(latencies, default=float("nan")) * 1000, 1),
        "web_rss_pss_mib": mem,
        "errors": sum(len(r.get("errors", [])) for r in results),
        "opens_retried_after_503": sum(r.get("retried", 0) for r in results),
        "error_samples": sorted(
            {e.split(": ", 1)[-1][:120] for r in results for e in r.get("errors", [])}
        )[:5],
    }


def why_lost(published_at, opened_at, ended_at) -> str:
    """Where a sampled stream was when a ping it never got was published."""
    if opened_at is None:
        return "never_opened"
    if published_at < opened_at:
        return "before_open"
    if ended_at is not None and published_at > ended_at - 2:
        return "stream_ended"
    return "while_open"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=400)
    parser.add_argument("--web-hosts", type=int, choices=[1, 2], default=1)
    parser.add_argument("--web-concurrency", type=int, default=1)
    parser.add_argument("--owners", type=int, default=40)
    parser.add_argument("--servers", type=int, default=800)
    parser.add_argument("--interval", type=int, default=10)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--start-delay", type=float, default=5)
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--sample", type=int, default=10, help="streams timed per client process")
    parser.add_argument("--redis-outage", type=float, default=0, help="seconds Redis is stopped")
    parser.add_argument("--outage-at", type=float, default=10, help="seconds into the window")
    args = parser.parse_args()
    args.mode, args.workers, args.env = "postgres", None, {}
    args.assertions_share = 0.0  # bench/checks: plain HTTP checks
    result = run(args)
    print(json.dumps(result, indent=1))
    print(
        "reproduce: flock /tmp/pulseguard-bench.lock "
        + shlex.join([sys.executable.replace(str(ROOT) + "/", ""), *sys.argv])
    )


if __name__ == "__main__":
    main()
