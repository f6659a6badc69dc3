"""Browser-test fixtures: the real app under gunicorn, a target HTTP server, headless Chromium."""

import os
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "correct horse battery"


def wait_until(predicate, timeout=10.0, interval=0.1, message="condition"):
    """Poll predicate until it returns something truthy, or fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bin_path(name):
    return str(Path(sys.executable).parent / name)


class LiveApp:
    """PulseGuard served by gunicorn (gevent worker) on a free port, on a SQLite file."""

    def __init__(self, tmp_path):
        self.db_path = tmp_path / "pulseguard.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "gunicorn.log"
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CHANNEL_LAYER_TYPE")}
        env.update(
            ENVIRONMENT="development",
            DATABASE_URL=f"sqlite:///{self.db_path}",
            SECRET_KEY=secrets.token_hex(16),
            LOG_DIR=str(tmp_path),
            HOST="127.0.0.1",
            PORT=str(self.port),
            FLASK_APP="manage:app",
            WEB_CONCURRENCY="1",
            SSE_HEARTBEAT_S="2",
            RATE_LIMIT_ENABLED="false",  # the tests sign in more often than people do
            GRACEFUL_TIMEOUT="2",
        )
        self.env = env
        subprocess.run(
            [bin_path("flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        self.start()

    def start(self):
        """Start gunicorn (again: same port, database and secret) and wait until it answers."""
        self.process = subprocess.Popen(
            [bin_path("gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_until(self.ready, timeout=60, message=f"gunicorn on {self.url} (see {self.log})")

    def ready(self):
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
        try:
            return requests.get(f"{self.url}/healthz", timeout=1).ok
        except requests.RequestException:
            return False

    def wipe(self):
        """Delete every row (users included), as on a fresh install, without a restart."""
        from pulseguard.extensions import db

        with sqlite3.connect(self.db_path, timeout=10) as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(f"DELETE FROM {table.name}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Target:
    """An HTTP server in its own process whose answer (200 or a failure) the test can flip."""

    def __init__(self, tmp_path):
        self.state = tmp_path / "target-status"
        self.state.write_text("200")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("target_server.py")), str(self.state)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.port = int(self.process.stdout.readline())

    def answer(self, code):
        self.state.write_text(str(code))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def served_app(tmp_path_factory):
    app = LiveApp(tmp_path_factory.mktemp("live-app"))
    yield app
    app.stop()


@pytest.fixture
def live_app(served_app):
    """The served app, emptied before each test."""
    served_app.wipe()
    return served_app


@pytest.fixture
def target(tmp_path):
    server = Target(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"SKIPPED: browser tests need {CHROMIUM} (apt-get install -y chromium); "
            "scripts/test.sh installs it when it runs as root"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console:
    """Every console error, uncaught exception and failed request of a page."""

    def __init__(self, page):
        self.errors, self.failed, self.load_errors = [], [], 0
        page.on("console", self.on_console)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("response", self.on_response)

    def on_console(self, message):
        if message.type != "error":
            return
        # Chromium logs every 4xx as "Failed to load resource"; those are judged by URL below.
        if message.text.startswith("Failed to load resource: the server responded"):
            self.load_errors += 1
        else:
            self.errors.append(message.text)

    def on_response(self, response):
        if response.status >= 400:
            path = response.url.split("//", 1)[-1].split("/", 1)[-1].split("?")[0]
            self.failed.append(f"{response.status} /{path}")

    def assert_clean(self, allowed=()):
        """Fail on any console error, and on any failed request not listed as "CODE /path"."""
        assert self.errors == [], f"console errors: {self.errors}"
        unexpected = [f for f in self.failed if not any(f.startswith(a) for a in allowed)]
        assert unexpected == [], f"failed requests: {unexpected}"
        assert self.load_errors <= len(self.failed), "a resource failed to load"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10000)
    page.console = Console(page)
    yield page
    context.close()


def api_login(app, username="admin", password=PASSWORD):
    """Return an access/refresh pair from the running app."""
    response = requests.post(
        f"{app.url}/api/auth/token/", json={"username": username, "password": password}, timeout=5
    )
    response.raise_for_status()
    return response.json()


def create_admin(app, username="admin"):
    response = requests.post(
        f"{app.url}/api/auth/register/",
        json={"username": username, "password": PASSWORD},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    return api_login(app, username)


def sign_in(page, app, username="admin"):
    """Sign in through the login form and wait for the overview."""
    page.goto(f"{app.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")
