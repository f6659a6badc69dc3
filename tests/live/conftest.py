"""Fixtures for live streams: a real gunicorn gevent worker, a publisher, rows and events."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
import requests
from flask_jwt_extended import create_access_token

from pulseguard import create_app
from pulseguard.api.ping_results.schemas import PingResultSchema
from pulseguard.api.server_status.schemas import ServerStatusSchema
from pulseguard.bus import publish
from pulseguard.extensions import db
from pulseguard.models import PingResult, Server, ServerStatus, User
from pulseguard.security import issue_tokens
from tests.conftest import REDIS_URL, make_config
from tests.live.clients import WsClient

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout=10.0, interval=0.05):
    """Poll until predicate() is true; fail after the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} s")


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py wsgi:app` with one gevent worker on a free port."""

    def __init__(self, database_url, redis_url, channel, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        environ = os.environ | {
            "ENVIRONMENT": "testing",
            "TEST_DATABASE_URL": database_url,
            "TEST_REDIS_URL": redis_url or "",
            "EVENTS_CHANNEL": channel,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": "1",
            "SSE_HEARTBEAT_S": "0.5",
            "LIVE_TOKEN_CHECK_S": "0.5",
        }
        environ.update({key: str(value) for key, value in env.items()})
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        wait_until(self.ready, timeout=30, interval=0.1)

    def ready(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {self.process.stderr.read().decode()[-3000:]}")
        try:
            return requests.get(self.url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def terminate(self, timeout=40.0):
        """Send SIGTERM and return how long gunicorn took to exit."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return time.monotonic() - started


class PrivateRedis:
    """A redis-server of the test's own on a free port, to kill and restart at will."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            pytest.skip("SKIPPED: redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        wait_until(lambda: self._pings(client), timeout=10)

    @staticmethod
    def _pings(client):
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def kill(self):
        self.process.kill()
        self.process.wait()


def redis_or_skip(url):
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip(f"SKIPPED: Redis not reachable at {url}")


@pytest.fixture(scope="module")
def publisher(app, database_url):
    """An app that publishes to Redis on a channel of its own (app context pushed by `emit`)."""
    redis_or_skip(REDIS_URL)
    return create_app(make_config(database_url, REDIS_URL=REDIS_URL))


@pytest.fixture(scope="module")
def server(publisher, database_url):
    """A gunicorn gevent worker that streams what the publisher publishes."""
    gunicorn = Gunicorn(database_url, REDIS_URL, publisher.config["EVENTS_CHANNEL"])
    yield gunicorn
    gunicorn.terminate()


@pytest.fixture
def connect(server):
    """Open WebSockets to /ws/status/ (closed after the test)."""
    sockets = []

    def open_socket(token=None, header_token=True):
        client = WsClient(server.ws_url + "/ws/status/", token, header_token)
        sockets.append(client)
        return client

    yield open_socket
    for client in sockets:
        client.close()


@pytest.fixture
def token(app):
    """Return an access token for a user."""

    def make(user):
        with app.app_context():
            return issue_tokens(user, refresh=False)["access"]

    return make


@pytest.fixture
def short_token(app):
    """Return an access token for a user that expires after a few seconds."""

    def make(user, seconds):
        with app.app_context():
            user = db.session.get(User, user.id)
            claims = {"ver": user.token_version}
            expires = timedelta(seconds=seconds)
            return create_access_token(
                str(user.id), additional_claims=claims, expires_delta=expires
            )

    return make


@pytest.fixture
def record(app):
    """Record a check result for a server as the check engine would; return the events."""

    def make(server_id, status="success", health="up", at=None, response_time=12.5):
        at = at or datetime.now(UTC)
        with app.app_context():
            server = db.session.get(Server, server_id)
            ping = PingResult(
                server_id=server_id,
                outcome=status,
                response_time_ms=response_time,
                status_code=200 if status == "success" else 503,
                checked_at=at,
            )
            db.session.add(ping)
            current = db.session.query(ServerStatus).filter_by(server_id=server_id).one()
            current.health, current.last_check_at, current.updated_at = health, at, at
            current.message = "OK" if health == "up" else "HTTP 503"
            db.session.commit()
            owner = {"server_id": server_id, "owner_id": server.owner_id, "id": ping.id}
            return [
                {"type": "ping", **owner, "data": PingResultSchema().dump(ping)},
                {"type": "status", **owner, "data": ServerStatusSchema().dump(current)},
            ]

    return make


@pytest.fixture
def emit(publisher):
    """Publish events the way the check engine does."""

    def send(events):
        with publisher.app_context():
            publish(events)

    return send


def ago(**kwargs):
    return datetime.now(UTC) - timedelta(**kwargs)
