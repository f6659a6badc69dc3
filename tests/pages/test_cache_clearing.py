"""The cached page is cleared when maintenance starts or ends: by the sweep (which runs every
MAINTENANCE_INTERVAL_S = 1 s), by the windows' routes, and by the entry's own expiry at the next
start or end of a window it shows. (Status changes, and with them incidents opening and
resolving, clear it too: test_public.py.)"""

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import MaintenanceWindow
from pulseguard.models.types import utcnow
from pulseguard.monitoring.maintenance import apply_windows
from pulseguard.monitoring.record import record_results
from tests.outcomes import OK, result

SUMMARY = "/api/public/status-pages/acme/"


def statuses(client):
    body = client.get(SUMMARY).json
    components = [c["status"] for c in body["groups"][0]["components"]]
    return components, [m["title"] for m in body["maintenance"]["active"]]


def test_the_sweep_clears_the_page_when_a_window_starts_and_ends(ctx, client, as_alice, page_of):
    _page, web, db_server = page_of()
    record_results([result(web["id"], OK), result(db_server["id"], OK)])
    body = {"name": "Work", "schedule": {"type": "manual"}, "servers": [web["id"]]}
    assert as_alice.post("/api/maintenance-windows/", json=body).status_code == 201
    assert statuses(client) == (["operational", "operational"], [])
    window = db.session.scalar(select(MaintenanceWindow))
    window.start(utcnow())  # in force from now, as a schedule would be: no route involved
    db.session.commit()
    assert statuses(client) == (["operational", "operational"], [])  # still the cached page
    apply_windows()  # the sweep
    assert statuses(client) == (["maintenance", "operational"], ["Work"])
    window.stop(utcnow())
    db.session.commit()
    assert statuses(client) == (["maintenance", "operational"], ["Work"])  # cached
    apply_windows()
    assert statuses(client) == (["operational", "operational"], [])


def test_a_cached_page_expires_when_a_window_it_shows_starts(ctx, client, as_alice, page_of):
    _page, web, _db = page_of()
    start = datetime.now(UTC) + timedelta(seconds=2)
    schedule = {"type": "once", "start": start.isoformat(),
                "end": (start + timedelta(hours=1)).isoformat()}  # fmt: skip
    body = {"name": "Soon", "schedule": schedule, "servers": [web["id"]]}
    assert as_alice.post("/api/maintenance-windows/", json=body).status_code == 201
    first = client.get(SUMMARY).json
    assert [m["title"] for m in first["maintenance"]["upcoming"]] == ["Soon"]
    time.sleep(max(0.0, (start - datetime.now(UTC)).total_seconds()) + 1.1)
    later = client.get(SUMMARY).json  # no sweep ran: the entry expired at the window's start
    assert later["generated_at"] != first["generated_at"]
    assert [m["title"] for m in later["maintenance"]["active"]] == ["Soon"]
