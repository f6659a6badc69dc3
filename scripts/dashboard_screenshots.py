"""Take the dashboard screenshots in docs/ from a real, running PulseGuard.

    .venv/bin/python scripts/dashboard_screenshots.py

Seeds a SQLite file with a few servers and an hour of history, serves PulseGuard (embedded mode:
the servers are really checked, against local HTTP targets), and saves PNGs of the overview, a
server page and the overview at phone width into docs/.
"""

import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench" / "dashboard")]

from load_time import ARGS, CHROMIUM, PASSWORD, Served  # noqa: E402

TARGET = ROOT / "tests" / "dashboard" / "target_server.py"


def start_target(workdir, name, code, delay):
    state = workdir / f"{name}-state"
    state.write_text(str(code))
    process = subprocess.Popen(
        [sys.executable, str(TARGET), str(state), str(delay)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return process, int(process.stdout.readline())


def seed(db_url, good, bad):
    """The admin, eight servers, and an hour of results with one outage for the first server."""
    from config import TestingConfig
    from pulseguard import create_app
    from pulseguard.extensions import db
    from pulseguard.models import PingResult, Server, ServerStatus, StatusChange, User
    from pulseguard.models.types import utcnow

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = db_url
    app = create_app(config)
    rng = random.Random(7)
    with app.app_context():
        admin = User(username="admin", is_admin=True)
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.flush()
        now = utcnow()
        specs = [
            ("shop-frontend", "http", good, ["prod", "web"], {}),
            ("payments-api", "http", good, ["prod", "api"], {}),
            ("search", "http", good, ["prod", "api"], {"degraded_threshold_ms": 15}),
            ("legacy-billing", "http", bad, ["prod"], {}),
            ("postgres-primary", "tcp", good, ["prod", "db"], {}),
            ("staging-web", "http", good, ["staging", "web"], {}),
            ("reports", "http", good, ["internal"], {"monitoring_state": "paused"}),
            ("docs-site", "http", good, ["web"], {}),
        ]
        servers = []
        for name, protocol, port, tags, extra in specs:
            server = Server(
                owner_id=admin.id,
                name=name,
                protocol=protocol,
                host="127.0.0.1",
                port=port,
                path="/" if protocol != "tcp" else "/",
                check_interval_s=10,
                timeout_s=3,
                tags=tags,
                next_check_at=now,
                current_status=ServerStatus(),
                **extra,
            )
            if server.monitoring_state != "active":
                server.next_check_at = None
            db.session.add(server)
            servers.append(server)
        db.session.flush()
        featured = servers[0]
        for minute in range(60, 0, -1):
            outage = 24 <= minute <= 27
            db.session.add(
                PingResult(
                    server_id=featured.id,
                    outcome="failure" if outage else "success",
                    response_time_ms=None if outage else rng.uniform(8, 40) + 25 * (minute < 10),
                    status_code=503 if outage else 200,
                    error_message="HTTP 503" if outage else None,
                    checked_at=now - timedelta(minutes=minute, seconds=rng.uniform(0, 30)),
                )
            )
        for minutes, old, new, message in [
            (62, "unknown", "up", "OK"),
            (27, "up", "down", "HTTP 503"),
            (23, "down", "up", "OK"),
        ]:
            db.session.add(
                StatusChange(
                    server_id=featured.id,
                    old_status=old,
                    new_status=new,
                    message=message,
                    created_at=now - timedelta(minutes=minutes),
                )
            )
        db.session.commit()
        featured_id = featured.id
        db.engine.dispose()
    return featured_id


def main():
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="pulseguard-screenshots-"))
    db_path = workdir / "pulseguard.db"
    good, good_port = start_target(workdir, "good", 200, 0.04)
    bad, bad_port = start_target(workdir, "bad", 503, 0)
    env = {"DATABASE_URL": f"sqlite:///{db_path}", "FLASK_APP": "manage:app"}
    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "db", "upgrade"],
        cwd=ROOT,
        env={**__import__("os").environ, **env},
        check=True,
        capture_output=True,
    )
    featured = seed(f"sqlite:///{db_path}", good_port, bad_port)
    served = Served(workdir, db_path, scheduler=True)
    try:
        tokens = requests.post(
            f"{served.url}/api/auth/token/",
            json={"username": "admin", "password": PASSWORD},
            timeout=10,
        ).json()
        time.sleep(12)  # a check or two of every server
        init = f"localStorage.setItem('pulseguard.tokens', {json.dumps(json.dumps(tokens))})"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, path, viewport in [
                ("dashboard-overview.png", "/", {"width": 1280, "height": 640}),
                ("dashboard-server.png", f"/servers/{featured}", {"width": 1280, "height": 900}),
                ("dashboard-phone.png", "/", {"width": 390, "height": 844}),
            ]:
                context = browser.new_context(viewport=viewport, device_scale_factor=1)
                context.add_init_script(init)
                page = context.new_page()
                page.goto(served.url + path)
                page.wait_for_selector("body[data-ready=true]")
                try:
                    page.wait_for_selector("#live-state[data-state=live]", timeout=5000)
                except Exception:  # noqa: BLE001 - a build without the live stream
                    print("the live stream did not connect; the screenshot shows it reconnecting")
                page.wait_for_timeout(500)
                page.screenshot(path=str(ROOT / "docs" / name), full_page=True)
                print("saved", ROOT / "docs" / name)
                context.close()
            browser.close()
    finally:
        served.stop()
        good.terminate()
        bad.terminate()


if __name__ == "__main__":
    main()
