"""Benchmark: a mass outage's notifications, delivered in process (the embedded path).

N servers go down at once, each with one webhook config pointing at a local receiver that takes
LATENCY_MS to answer (and, optionally, HANGING configs whose webhook never answers). Prints how long
enqueue_for_changes took (the check path's cost) and how long until every delivery was recorded.

    .venv/bin/python bench/notify/deliveries.py [N] [LATENCY_MS] [HANGING]

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
        if environ["PATH_INFO"] == "/hang":
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


def main(n=1000, latency_ms=50, hanging=0):
    with database() as url:
        run(url, n, latency_ms, hanging)


def run(database_url, n, latency_ms, hanging):
    hold = Event()
    web = receiver(latency_ms / 1000, hold)
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.REDIS_URL = None
    config.WEBHOOK_TIMEOUT_S = 30
    app = create_app(config)
    url = f"http://127.0.0.1:{web.server_port}"
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
            hook = f"{url}/hang" if i < hanging else f"{url}/hook"
            db.session.add(
                NotificationConfig(server_id=server.id, notification_type="webhook", recipient=hook)
            )
        changes = [
            StatusChange(server_id=s.id, old_status="up", new_status="down") for s in servers
        ]
        db.session.add_all(changes)
        db.session.commit()
        change_ids = [c.id for c in changes]
        db.session.remove()  # the thousands of rows made above would be expired on every poll

        started, cpu_started = time.perf_counter(), time.process_time()
        enqueue_for_changes(change_ids)
        enqueued = time.perf_counter() - started
        expected = n - hanging
        count = 0
        while count < expected:
            gevent.sleep(0.05)
            count = db.session.scalar(select(func.count(NotificationDelivery.id)))
            db.session.rollback()
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    hold.set()  # let the hanging ones finish before the database goes away
    gevent.sleep(0.5)
    runner.drain(app, 60)
    with app.app_context():
        db.engine.dispose()
    kind = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(f"servers down at once: {n}, webhook latency {latency_ms} ms, hanging webhooks {hanging}")
    print(f"NOTIFY_CONCURRENCY={app.config['NOTIFY_CONCURRENCY']}, {kind}, embedded path")
    print(f"enqueue_for_changes: {enqueued * 1000:.1f} ms")
    print(f"{expected} deliveries recorded in {total:.2f} s = {expected / total:.0f}/s")
    per_delivery = cpu * 1000 / max(1, expected)
    print(f"CPU of this process (receiver included): {per_delivery:.1f} ms/delivery")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")
    prefix = f"BENCH_PG={os.environ['BENCH_PG']} " if os.environ.get("BENCH_PG") else ""
    args = f"{n} {latency_ms} {hanging}"
    print(f"reproduce: {prefix}.venv/bin/python bench/notify/deliveries.py {args}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
