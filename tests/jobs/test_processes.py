"""The real processes: `python worker.py` (RQ) and gunicorn with the embedded runtime (no Redis)."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pulseguard.jobs.dispatch import dispatch_due_checks
from tests.conftest import DB_KIND
from tests.targets import wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.once,
    pytest.mark.skipif(DB_KIND != "sqlite", reason="shares the SQLite test database file"),
]


def process_env(app, tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "DATABASE"))}
    env |= {
        "ENVIRONMENT": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LOG_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    return env | extra


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_worker_process_runs_check_batches_and_finishes_them_on_sigterm(
    rq_app, redis_url, web, make_server, as_alice, tmp_path
):
    ids = [make_server(name=f"s{i}", port=web.port, path="/sleep/1500")["id"] for i in range(3)]
    with rq_app.app_context():
        assert dispatch_due_checks() == 3
    env = process_env(rq_app, tmp_path, REDIS_URL=redis_url)
    proc = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env)
    try:
        wait_for(lambda: web.app.active == 3, timeout=30)  # the probes are in flight...
    finally:
        code = stop(proc)  # ...when the worker is told to stop: it records them first
    assert code == 0
    results = as_alice.get("/api/ping-results/").json
    assert sorted(r["server"] for r in results) == ids
    assert {r["status"] for r in results} == {"success"}


def test_gunicorn_without_redis_checks_in_process(app, web, make_server, as_alice, tmp_path):
    sid = make_server(port=web.port)["id"]
    port = free_port()
    env = process_env(app, tmp_path, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env
    )
    try:
        wait_for(lambda: as_alice.get(f"/api/ping-results/?server_id={sid}").json, timeout=30)
    finally:
        stop(proc)
    status = as_alice.get(f"/api/server-status/?server_id={sid}").json[0]
    assert status["status"] == "up"


def test_scheduler_process_enqueues_dispatch_and_stops_cleanly(rq_app, redis_url, tmp_path):
    from redis import Redis
    from rq import Queue

    from pulseguard.jobs.scheduler import LEADER_KEY

    env = process_env(rq_app, tmp_path, REDIS_URL=redis_url, FLASK_APP="manage:app")
    flask = Path(sys.executable).with_name("flask")
    proc = subprocess.Popen([str(flask), "start-scheduler", "--interval", "1"], cwd=ROOT, env=env)
    conn = Redis.from_url(redis_url)
    try:
        wait_for(lambda: "pulseguard-dispatch" in Queue("upkeep", connection=conn).job_ids, 30)
        assert conn.get(LEADER_KEY)
    finally:
        code = stop(proc)
    assert code == 0
    assert conn.get(LEADER_KEY) is None  # resigned: a standby takes over at once
