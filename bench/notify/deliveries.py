"""Benchmark: a mass outage's notifications, delivered in process (the embedded path).

N servers go down at once, each with one config per channel of CHANNELS (default `webhook`;
`webhook,json,ntfy` adds an Apprise json:// and an Apprise ntfy:// config per server), all
pointing at a local receiver that takes LATENCY_MS to answer; the first HANGING servers' configs
point at a path that never answers. Prints how long enqueue_for_changes took (the check path's
cost), how long until every healthy delivery was recorded, the event loop's lag meanwhile (a
greenlet asking to wake every 10 ms: how late it woke, the delay a probe due then would see), and
the process's memory at the end.

    .venv/bin/python bench/notify/deliveries.py [N] [LATENCY_MS] [HANGING] [CHANNELS]

SQLite in a temporary file by default; BENCH_PG=postgresql://postgres@127.0.0.1:5432/postgres runs
it on a temporary PostgreSQL database made (and dropped) on that server.
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psycopg  # noqa: E402
from gevent.event import Event  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from config import TestingConfig  # noqa: E402
from pulseguard import create_app  # noqa: E402
from pulseguard.extensions import db  # noqa: E402
from pulseguard.models import (  # noqa: E402
    NotificationConfig,
    NotificationDelivery,
    Server,
    ServerStatus,
    StatusChange,
    User,
)
from pulseguard.notify import runner  # noqa: E402
from pulseguard.notify.triggers import enqueue_for_changes  # noqa: E402


def receiver(latency_s, hold):
    def app(environ, start_response):
        environ["wsgi.input"].read()
        if environ["PATH_INFO"].startswith("/hang"):
            hold.wait()
        gevent.sleep(latency_s)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    server = WSGIServer(("127.0.0.1", 0), app, log=None, error_log=None)
    server.start()
    return server


@contextmanager
def database():
    """Yield the URL of an empty database (temporary SQLite file, or PostgreSQL with BENCH_PG)."""
    admin = os.environ.get("BENCH_PG")
    if not admin:
        yield f"sqlite:///{tempfile.mkdtemp()}/bench.db"
        return
    name = f"pulseguard_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        server = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(n=1000, latency_ms=50, hanging=0, channels="webhook"):
    with database() as url:
        run(url, int(n), int(latency_ms), int(hanging), channels.split(","))


def recipient(channel, base, path):
    """The recipient of one config of a channel on the local receiver."""
    if channel == "webhook":
        return ("webhook", f"http://{base}/{path}")
    if channel == "json":
        return ("apprise", f"json://{base}/{path}")
    return ("ntfy", f"ntfy://{base}/{path}")


def lag_probe(lags, stop):
    """Ask to wake every 10 ms and record how late each wake-up came (ms)."""
    while not stop.is_set():
        planned = time.perf_counter() + 0.01
        gevent.sleep(0.01)
        lags.append((time.perf_counter() - planned) * 1000)


def rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run(database_url, n, latency_ms, hanging, channels):
    hold = Event()
    web = receiver(latency_ms / 1000, hold)
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.REDIS_URL = None
    config.WEBHOOK_TIMEOUT_S = 30
    config.NOTIFY_RETRY_DELAYS_S = ()
    app = create_app(config)
    base = f"127.0.0.1:{web.server_port}"
    with app.app_context():
        db.create_all()
        user = User(username="bench", is_admin=True)
        user.set_password("bench-password")
        db.session.add(user)
        db.session.flush()
        servers = [Server(owner_id=user.id, name=f"s{i}", host="127.0.0.1") for i in range(n)]
        db.session.add_all(servers)
        db.session.flush()
        for i, server in enumerate(servers):
            db.session.add(ServerStatus(server_id=server.id, health="down"))
            for channel in channels:
                path = f"hang{i}" if i < hanging else f"hook{i}"
                kind, address = recipient(channel, base, path)
                db.session.add(
                    NotificationConfig(
                        owner_id=user.id, server_id=server.id, notification_type=kind,
                        recipient=address,
                    )
                )  # fmt: skip
        changes = [
            StatusChange(server_id=s.id, old_status="up", new_status="down") for s in servers
        ]
        db.session.add_all(changes)
        db.session.commit()
        change_ids = [c.id for c in changes]
        db.session.remove()  # the thousands of rows made above would be expired on every poll

        lags: list[float] = []
        stop = Event()
        probe = gevent.spawn(lag_probe, lags, stop)
        started, cpu_started = time.perf_counter(), time.process_time()
        enqueue_for_changes(change_ids)
        enqueued = time.perf_counter() - started
        expected = (n - hanging) * len(channels)
        done = select(func.count(NotificationDelivery.id)).where(
            NotificationDelivery.outcome == "sent"
        )
        count = 0
        while count < expected:
            gevent.sleep(0.05)
            count = db.session.scalar(done)
            db.session.rollback()
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        stop.set()
        probe.join()
        memory = rss_mib()
    hold.set()  # let the hanging ones finish before the database goes away
    gevent.sleep(0.5)
    runner.drain(app, 60)
    with app.app_context():
        db.engine.dispose()
    kind = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(
        f"servers down at once: {n}, channels {','.join(channels)}, receiver latency "
        f"{latency_ms} ms, servers whose receivers hang {hanging}"
    )
    print(f"NOTIFY_CONCURRENCY={app.config['NOTIFY_CONCURRENCY']}, {kind}, embedded path")
    print(f"enqueue_for_changes: {enqueued * 1000:.1f} ms")
    print(f"{expected} healthy deliveries recorded in {total:.2f} s = {expected / total:.0f}/s")
    per_delivery = cpu * 1000 / max(1, expected)
    print(f"CPU of this process (receiver included): {per_delivery:.1f} ms/delivery")
    lags.sort()
    p99 = lags[int(len(lags) * 0.99)] if lags else 0.0
    print(f"event loop lag meanwhile: p50 {lags[len(lags) // 2]:.1f} ms, p99 {p99:.1f} ms")
    print(f"RSS at the end: {memory:.0f} MiB")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")
    prefix = f"BENCH_PG={os.environ['BENCH_PG']} " if os.environ.get("BENCH_PG") else ""
    args = f"{n} {latency_ms} {hanging} {','.join(channels)}"
    print(f"reproduce: {prefix}.venv/bin/python bench/notify/deliveries.py {args}")


if __name__ == "__main__":
    main(*sys.argv[1:])
