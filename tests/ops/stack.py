"""The Procfile's processes as real subprocesses, against a private Redis and PostgreSQL database.

Fault tests start their own redis-server on a free port (never the shared one) and their own
PostgreSQL database, run `flask db upgrade` (the release step), then start gunicorn (web),
`python worker.py` (workers) and `flask start-scheduler` (scheduler) exactly as the Procfile does.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
ADMIN_PASSWORD = "ops-admin-password-123"


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout=30.0, interval=0.1, what="condition"):
    """Poll until predicate() is truthy; return its value, or fail after the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except Exception:  # noqa: BLE001 - not ready yet (connection refused, ...)
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class PrivateRedis:
    """A redis-server of this test only, on a free port, that can be stopped and restarted."""

    def __init__(self, workdir: Path):
        self.port, self.dir, self.process = free_port(), workdir, None
        self.dir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir]
        args += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"]
        self.process = subprocess.Popen([str(a) for a in args], stdout=subprocess.DEVNULL)
        wait_for(self.ping, 10, what="redis-server")
        return self

    def ping(self) -> bool:
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()

    def stop(self, save=True):
        """Shut Redis down (saving its data first, like a planned restart, unless save=False)."""
        if self.process and self.process.poll() is None:
            import redis

            try:
                redis.Redis(port=self.port).shutdown(save=save, nosave=not save)
            except Exception:  # noqa: BLE001 - the connection drops as it shuts down
                pass
            self.process.wait(10)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class PrivateDatabase:
    """A PostgreSQL database of this test only, dropped at the end."""

    def __init__(self, template=None):
        self.name = f"pulseguard_ops_{uuid.uuid4().hex[:10]}"
        self.server = PG_ADMIN_URL.rsplit("/", 1)[0]
        self.template = template

    @property
    def url(self) -> str:
        return f"{self.server}/{self.name}"

    def create(self):
        template = f' TEMPLATE "{self.template}"' if self.template else ""
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"{template}')
        return self

    def drop(self):
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql, *params):
        """Run one statement; return its rows (or [] when it returns none)."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


class Stack:
    """The Procfile set: release, web, workers and schedulers, started on demand."""

    def __init__(self, tmp_path: Path, redis_: PrivateRedis, database: PrivateDatabase, **env):
        self.tmp, self.redis, self.database = tmp_path, redis_, database
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = os.environ.copy()
        for name in ("TEST_DATABASE_URL", "TEST_REDIS_URL", "PROMETHEUS_MULTIPROC_DIR"):
            self.env.pop(name, None)
        self.env.update(
            ENVIRONMENT="development",
            DATABASE_URL=database.url,
            REDIS_URL=redis_.url,
            SECRET_KEY="ops-test-secret-" + "s" * 32,
            JWT_SECRET_KEY="ops-test-jwt-secret-" + "j" * 32,
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY="2",
            GRACEFUL_TIMEOUT="20",
            LOG_DIR=str(tmp_path / "logs"),
            LOG_LEVEL="INFO",
            EVENTS_CHANNEL=f"pulseguard-ops-{uuid.uuid4().hex[:8]}",
            RATE_LIMIT_ENABLED="false",
            PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
            PYTHONUNBUFFERED="1",
        )
        self.env.update({k: str(v) for k, v in env.items()})
        self.base = f"http://127.0.0.1:{self.port}"
        self.token = None

    # -- processes ---------------------------------------------------------------------------
    def run(self, *args, check=True):
        """Run a command to completion (like the release step); return its output."""
        result = subprocess.run(
            args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self, name, *args):
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process
        self.processes[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.processes[name]

    def release(self):
        self.run("flask", "db", "upgrade")
        self.run("flask", "create-user", "admin", "--password", ADMIN_PASSWORD, "--admin")

    def start_web(self):
        self.start("web", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app")
        wait_for(lambda: requests.get(self.base + "/healthz", timeout=1).ok, 30, what="web")
        self.sign_in()

    def start_worker(self, name="worker"):
        return self.start(name, sys.executable, "worker.py")

    def start_scheduler(self, name="scheduler"):
        return self.start(name, "flask", "start-scheduler")

    def signal(self, name, sig):
        self.processes[name].send_signal(sig)

    def log(self, name) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop_all(self):
        """Kill whatever still runs (tests that care about a clean stop signal it themselves)."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes.values():
            process.wait(10)

    # -- the API -----------------------------------------------------------------------------
    def sign_in(self):
        response = requests.post(
            self.base + "/api/auth/token/",
            json={"username": "admin", "password": ADMIN_PASSWORD},
            timeout=10,
        )
        response.raise_for_status()
        self.token = response.json()["access"]

    def api(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {}) | {"Authorization": f"Bearer {self.token}"}
        kwargs.setdefault("timeout", 10)
        return requests.request(method, self.base + path, headers=headers, **kwargs)


def have_tools() -> bool:
    return bool(shutil.which("redis-server"))
