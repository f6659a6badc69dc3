"""Take the status-page screenshots in docs/ (light, dark, phone) from a real, running PulseGuard.

    .venv/bin/python scripts/status_page_screenshots.py

Seeds a SQLite file with an admin, six servers with 100 days of state history (a few outages, slow
spells and a maintenance window, written through the same timeline code the recording path uses)
and a published page, serves it with gunicorn (no checks run), announces through the REST API a
public manual incident with a later update and a maintenance window two days ahead, and saves
PNGs into docs/.
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench" / "dashboard")]

from load_time import ARGS, CHROMIUM, PASSWORD, Served  # noqa: E402

SERVERS = [
    ("API", "api.example.com", "https"),
    ("Web shop", "shop.example.com", "https"),
    ("Payments", "pay.example.com", "https"),
    ("Search", "search.example.com", "https"),
    ("Database", "db.example.com", "tcp"),
    ("Mail relay", "mail.example.com", "tcp"),
]


def seed(db_url):
    from config import TestingConfig
    from pulseguard import create_app
    from pulseguard.extensions import db
    from pulseguard.models import Server, ServerStatus, StatusPage, User
    from pulseguard.models.types import utcnow
    from pulseguard.monitoring import timeline

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = db_url
    app = create_app(config)
    rng = random.Random(14)
    with app.app_context():
        admin = User(username="admin", is_admin=True)
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.flush()
        now = utcnow()
        start = now - timedelta(days=100)
        ids = []
        for n, (name, host, protocol) in enumerate(SERVERS):
            made = start + timedelta(days=45 if n == 5 else 0)  # the mail relay is newer
            server = Server(
                owner_id=admin.id,
                name=name,
                host=host,
                protocol=protocol,
                port=443 if protocol == "https" else 5432,
                created_at=made,
                current_status=ServerStatus(health="up", changed_at=made),
            )
            db.session.add(server)
            db.session.flush()
            moves, state, at = [], "unknown", made
            events = sorted(
                made + timedelta(minutes=rng.uniform(0, (now - made).total_seconds() / 60))
                for _ in range(rng.randint(1, 4))
            )
            for event in events:
                for new, minutes in (
                    (rng.choice(["down", "degraded"]), rng.uniform(5, 180)),
                    ("up", 0),
                ):
                    moves.append(timeline.Move(server.id, state, new, max(at, event), made))
                    state, at = new, max(at, event) + timedelta(minutes=minutes)
                    event = at
            if n == 2:  # a maintenance window on the payments service, two weeks ago
                window = now - timedelta(days=14, hours=3)
                moves += [
                    timeline.Move(server.id, state, "maintenance", window, made),
                    timeline.Move(
                        server.id, "maintenance", "up", window + timedelta(hours=2), made
                    ),
                ]
            moves.insert(0, timeline.Move(server.id, "unknown", "up", made, made))
            timeline.move(db.session.connection(), sorted(moves, key=lambda m: m.at))
            ids.append(server.id)
        groups = [
            {"name": "Customer-facing", "servers": [{"server": i} for i in ids[:4]]},
            {"name": "Back office", "servers": [{"server": i} for i in ids[4:]]},
        ]
        db.session.add(
            StatusPage(
                owner_id=admin.id,
                slug="acme",
                title="Acme status",
                description="Live status of **Acme**'s services.",
                published=True,
                groups=groups,
                timezone="Europe/Berlin",
                show_response_time=False,
                footer_text="Questions? support@acme.example",
            )
        )
        db.session.commit()
        db.engine.dispose()
    return ids


def api(url, path, body, token=None):
    """POST JSON to the running app and return its answer (raises on any 4xx/5xx)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"{}")


def announce(url, ids):
    """Open a public incident with an update and schedule a window, as a user would."""
    token = api(url, "/api/auth/token/", {"username": "admin", "password": PASSWORD})["access"]
    incident = api(
        url,
        "/api/incidents/",
        {
            "title": "Slow card payments",
            "severity": "degraded",
            "servers": [ids[2]],
            "public": True,
            "message": "Some card payments take longer than usual. We are looking into it.",
        },
        token,
    )
    api(
        url,
        f"/api/incidents/{incident['id']}/updates/",
        {
            "status": "identified",
            "public": True,
            "message": "A card network is answering slowly; payments go through, with delay.",
        },
        token,
    )
    start = (datetime.now(UTC) + timedelta(days=2)).replace(
        hour=1, minute=0, second=0, microsecond=0
    )
    api(
        url,
        "/api/maintenance-windows/",
        {
            "name": "Database upgrade",
            "description": "The database moves to a new version; the shop may be read-only.",
            "servers": [ids[4]],
            "schedule": {
                "type": "once",
                "start": start.isoformat().replace("+00:00", "Z"),
                "end": (start + timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
            },
        },
        token,
    )


def main():
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="pulseguard-status-shots-"))
    db_path = workdir / "pulseguard.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "FLASK_APP": "manage:app"}
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    ids = seed(f"sqlite:///{db_path}")
    served = Served(workdir, db_path, scheduler=False)
    try:
        announce(served.url, ids)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            shots: list[tuple[str, dict[str, Any]]] = [
                ("status-page-light.png", {"viewport": {"width": 1100, "height": 900}}),
                (
                    "status-page-dark.png",
                    {"viewport": {"width": 1100, "height": 900}, "color_scheme": "dark"},
                ),
                ("status-page-phone.png", {"viewport": {"width": 390, "height": 844}}),
            ]
            for name, options in shots:
                context = browser.new_context(device_scale_factor=1, **options)
                page = context.new_page()
                page.goto(f"{served.url}/status/acme")
                page.screenshot(path=str(ROOT / "docs" / name), full_page=True)
                print("saved", ROOT / "docs" / name)
                context.close()
            browser.close()
    finally:
        served.stop()


if __name__ == "__main__":
    main()
