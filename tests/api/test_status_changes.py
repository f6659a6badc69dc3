"""GET /api/status-changes/: read-only, owner-scoped, filtered and paginated."""

import time

from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result


def transitions(app, server_id, outcomes):
    with app.app_context():
        for i, outcome in enumerate(outcomes):
            record_results([result(server_id, outcome, time.time() - 100 + i)])


def test_lists_newest_first_with_the_fields(app, make_server, as_alice):
    sid = make_server()["id"]
    transitions(app, sid, [OK, DOWN, OK])
    body = as_alice.get(f"/api/status-changes/?server_id={sid}").json
    assert [(c["old_status"], c["new_status"]) for c in body] == [
        ("down", "up"), ("up", "down"), ("unknown", "up"),
    ]  # fmt: skip
    assert set(body[0]) == {"id", "server", "old_status", "new_status", "message", "created_at"}
    assert body[1]["message"] == "HTTP 503" and body[1]["server"] == sid
    one = as_alice.get(f"/api/status-changes/{body[1]['id']}/")
    assert one.status_code == 200 and one.json == body[1]


def test_others_see_nothing_of_mine_admins_see_all(app, make_server, as_alice, as_bob, as_admin):
    mine = make_server()["id"]
    theirs = make_server(api=as_bob, name="bob's")["id"]
    transitions(app, mine, [OK])
    transitions(app, theirs, [DOWN])
    assert [c["server"] for c in as_alice.get("/api/status-changes/").json] == [mine]
    assert [c["server"] for c in as_bob.get("/api/status-changes/").json] == [theirs]
    mine_change = as_alice.get("/api/status-changes/").json[0]["id"]
    assert as_bob.get(f"/api/status-changes/{mine_change}/").status_code == 404
    assert len(as_admin.get("/api/status-changes/").json) == 2


def test_paginated_and_filtered(app, make_server, as_alice):
    sid = make_server()["id"]
    transitions(app, sid, [OK, DOWN, OK, DOWN, OK])
    page = as_alice.get("/api/status-changes/?page_size=2&page=2")
    assert page.status_code == 200 and len(page.json) == 2
    assert '"total": 5' in page.headers["X-Pagination"]
    downs = as_alice.get("/api/status-changes/?new_status=down").json
    assert len(downs) == 2 and {c["new_status"] for c in downs} == {"down"}


def test_bad_input_is_a_422_and_writes_are_405(as_alice, client):
    assert as_alice.get("/api/status-changes/?server_id=x").status_code == 422
    assert as_alice.get("/api/status-changes/?new_status=sideways").status_code == 422
    assert as_alice.post("/api/status-changes/", json={}).status_code == 405
    assert client.get("/api/status-changes/").status_code == 401
