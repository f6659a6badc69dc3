"""Benchmark the live streams: one gunicorn gevent worker, Redis pub/sub, 1,000 SSE + 1,000 WS.

Measures publish-to-receive latency over every delivery, deliveries lost, worker RSS per open
client, and the latency of GET /api/server-status/ while every stream is open. Not a test.

    flock /tmp/pulseguard-bench.lock .venv/bin/python bench/live/bench_live.py [--sse 1000]
"""

import argparse
import atexit
import json
import os
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sse", type=int, default=1000, help="SSE clients")
    parser.add_argument("--ws", type=int, default=1000, help="WebSocket clients")
    parser.add_argument(
        "--owners", type=int, default=10, help="users; clients are spread over them"
    )
    parser.add_argument("--servers", type=int, default=10, help="servers per user")
    parser.add_argument("--rate", type=float, default=2.0, help="published batches per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of publishing")
    parser.add_argument("--rest", type=int, default=200, help="GET /api/server-status/ samples")
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    )
    parser.add_argument("--client-processes", type=int, default=2, help="processes for clients")
    parser.add_argument("--gunicorn-config", default="gunicorn.conf.py")
    parser.add_argument("--database", default=None, help="database URL (default: a SQLite file)")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="sample the worker with py-spy while publishing; write collapsed stacks to FILE",
    )
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_s(pid):
    """Return the CPU seconds (user + system) a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_pid(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return int(children[0])


def stop_all(processes):
    """Kill what the benchmark started if it is still running (the benchmark failed)."""
    for process in processes:
        if process.poll() is None:
            process.kill()


def main():
    args = parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    tmp = Path(tempfile.mkdtemp(prefix="pulseguard-bench-live-"))
    database = args.database or f"sqlite:///{tmp}/bench.db"
    os.environ.update(
        ENVIRONMENT="development",
        DATABASE_URL=database,
        REDIS_URL=args.redis,
        EVENTS_CHANNEL=f"bench-live-{uuid.uuid4().hex[:8]}",
        SECRET_KEY=secrets.token_hex(16),
        LOG_DIR=str(tmp),
        LOG_LEVEL="WARNING",
        RATE_LIMIT_ENABLED="false",
    )
    from pulseguard import create_app
    from pulseguard.bus import publish
    from pulseguard.extensions import db
    from pulseguard.models import Server, ServerStatus, User
    from pulseguard.security import issue_tokens

    app = create_app()
    with app.app_context():
        db.create_all()
        users = [User(username=f"bench{i}") for i in range(args.owners)]
        for user in users:
            user.set_password("bench-password")
        db.session.add_all(users)
        db.session.flush()
        servers = []
        for user in users:
            for j in range(args.servers):
                server = Server(owner_id=user.id, name=f"{user.username}-s{j}", host="127.0.0.1")
                server.protocol, server.port, server.monitoring_state = "http", 9, "paused"
                server.current_status = ServerStatus()
                servers.append(server)
        db.session.add_all(servers)
        db.session.commit()
        tokens = [issue_tokens(user, refresh=False)["access"] for user in users]
        by_owner = {}
        for server in servers:
            by_owner.setdefault(server.owner_id, []).append(server.id)
        owner_ids = [user.id for user in users]

    port = free_port()
    env = os.environ | {"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1"}
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", args.gunicorn_config, "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "gunicorn.err", "w"),
    )
    atexit.register(stop_all, [gunicorn])
    import requests

    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(base + "/healthz", timeout=1).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not start")
        time.sleep(0.2)
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    requests.get(base + "/api/server-status/", headers=headers, timeout=5).raise_for_status()
    # One stream first, so that the hub and everything a stream imports are loaded.
    warm = requests.get(base + "/api/events/status/", headers=headers, stream=True, timeout=5)
    next(warm.iter_content(chunk_size=None))
    worker = worker_pid(gunicorn.pid)
    time.sleep(0.5)
    rss_before = rss_kib(worker)

    total = args.sse + args.ws
    share = -(-total // args.client_processes)
    clients = []
    atexit.register(stop_all, clients)
    for first in range(0, total, share):
        job = {
            "port": port,
            "tokens": tokens,
            "sse": args.sse,
            "first": first,
            "count": min(share, total - first),
        }
        clients.append(
            subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("clients.py")), json.dumps(job)],
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    started = time.monotonic()
    opened = 0
    for process in clients:
        line = process.stdout.readline().split()
        if not line or line[0] != "READY":
            raise SystemExit(f"clients failed: {line}")
        opened += int(line[1])
    connect_s = time.monotonic() - started
    time.sleep(1.0)
    rss_open = rss_kib(worker)

    # Publish at the rate; each batch holds one check of one server of every owner.
    published = {owner: 0 for owner in owner_ids}
    rest_ms = []
    check_id = 0
    interval = 1.0 / args.rate
    rest_every = max(1, int(args.duration * args.rate / args.rest)) if args.rest else 0
    next_at = time.monotonic()
    batches = int(args.duration * args.rate)
    profiler = None
    if args.profile:
        command = ["py-spy", "record", "--pid", str(worker), "--format", "raw", "--native"]
        command += ["--rate", "100", "--duration", str(int(args.duration)), "-o", args.profile]
        py_spy = Path(sys.executable).with_name("py-spy")
        command[0] = str(py_spy) if py_spy.exists() else "py-spy"
        profiler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
    cpu_before = {"worker": cpu_s(worker), "clients": sum(cpu_s(p.pid) for p in clients)}
    publish_started = time.monotonic()
    with app.app_context():
        for number in range(batches):
            events = []
            for owner in owner_ids:
                check_id += 1
                server_id = by_owner[owner][number % len(by_owner[owner])]
                common = {"server_id": server_id, "owner_id": owner, "id": check_id}
                ping = {
                    "id": check_id,
                    "server": server_id,
                    "status": "success",
                    "response_time": 12.3,
                    "status_code": 200,
                    "error_message": None,
                    "check_timestamp": "2026-01-01T00:00:00Z",
                }
                status = {
                    "id": server_id,
                    "server": server_id,
                    "status": "up",
                    "message": "OK",
                    "last_response_time": 12.3,
                }
                events += [
                    {"type": "ping", **common, "data": ping},
                    {"type": "status", **common, "data": status},
                ]
                published[owner] += 1
            ping_sent = time.time()
            for event in events[::2]:
                event["data"]["sent_at"] = ping_sent
            publish(events)
            if rest_every and number % rest_every == 0:
                t0 = time.perf_counter()
                requests.get(
                    base + "/api/server-status/", headers=headers, timeout=10
                ).raise_for_status()
                rest_ms.append((time.perf_counter() - t0) * 1000)
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
    publish_s = time.monotonic() - publish_started
    if profiler is not None:
        profiler.wait(timeout=60)
    cpu_used = {
        "worker": cpu_s(worker) - cpu_before["worker"],
        "clients": sum(cpu_s(p.pid) for p in clients) - cpu_before["clients"],
    }
    # REST samples with no publishing going on, streams still open.
    idle_rest_ms = []
    for _ in range(50):
        t0 = time.perf_counter()
        requests.get(base + "/api/server-status/", headers=headers, timeout=10).raise_for_status()
        idle_rest_ms.append((time.perf_counter() - t0) * 1000)
    time.sleep(2.0)  # let the last deliveries land
    result = {"latencies": [], "counts": {}, "errors": []}
    for process in clients:
        process.send_signal(signal.SIGUSR1)
        part = json.loads(process.stdout.readline())
        process.wait(timeout=30)
        result["latencies"] += part["latencies"]
        result["errors"] += part["errors"]
        result["counts"].update(part["counts"])
    gunicorn.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    gunicorn.wait(timeout=60)
    shutdown_s = time.monotonic() - t0

    latencies_ms = [value * 1000 for value in result["latencies"]]
    expected = lost = 0
    for name, count in result["counts"].items():
        owner_index = int(name.rsplit("-", 1)[1])
        want = published[owner_ids[owner_index]]
        expected += want
        lost += max(0, want - count)
    print(f"command: {' '.join(sys.argv)}")
    print(
        f"clients: {args.sse} SSE + {args.ws} WebSocket over {args.owners} users, opened {opened} "
        f"in {connect_s:.1f} s; errors: {len(result['errors'])} {result['errors'][:3]}"
    )
    print(
        f"published: {batches} batches x {args.owners} checks, {args.rate}/s for {args.duration} s"
    )
    print(f"deliveries: {len(latencies_ms)} received of {expected} expected; lost {lost}")
    print(
        f"latency publish->receive: p50 {percentile(latencies_ms, 0.5):.1f} ms, "
        f"p99 {percentile(latencies_ms, 0.99):.1f} ms, max {max(latencies_ms, default=0):.1f} ms"
    )
    print(
        f"worker RSS: {rss_before} KiB before, {rss_open} KiB with {total} streams open: "
        f"{(rss_open - rss_before) / total:.1f} KiB per client"
    )
    if rest_ms:
        print(
            f"GET /api/server-status/ while publishing ({len(rest_ms)}): "
            f"p50 {statistics.median(rest_ms):.1f} ms, p99 {percentile(rest_ms, 0.99):.1f} ms"
        )
    print(
        f"GET /api/server-status/ idle streams open ({len(idle_rest_ms)}): "
        f"p50 {statistics.median(idle_rest_ms):.1f} ms, p99 {percentile(idle_rest_ms, 0.99):.1f} ms"
    )
    share = {name: 100 * used / publish_s for name, used in cpu_used.items()}
    print(
        f"CPU while publishing ({publish_s:.0f} s): worker {share['worker']:.0f}%, "
        f"clients {share['clients']:.0f}%; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"SIGTERM to exit with {total} streams open: {shutdown_s:.1f} s")


if __name__ == "__main__":
    main()
