"""Pausing a server resolves its open incident (`end_reason: "paused"`); resuming starts afresh."""

import time

from tests.incidents.test_incidents import check, incidents_of
from tests.outcomes import DOWN, OK


def test_pausing_resolves_the_open_incident_and_it_never_reopens(
    embedded, make_server, as_alice, monkeypatch
):
    monkeypatch.setitem(embedded.config, "INCIDENT_REOPEN_WINDOW", 3600)
    sid = make_server(name="web-1")["id"]
    now = time.time()
    check(embedded, sid, OK, now - 20)
    check(embedded, sid, DOWN, now - 10)
    [incident] = incidents_of(as_alice, sid)
    assert incident["state"] == "open"
    assert as_alice.patch(f"/api/servers/{sid}/", json={"status": "paused"}).status_code == 200
    [ended] = incidents_of(as_alice, sid)
    assert (ended["state"], ended["end_reason"]) == ("resolved", "paused")
    assert ended["resolved_at"] is not None and ended["duration_seconds"] >= 10
    assert ended["last_result"]["status"] == "failure"  # the last check before the pause
    assert as_alice.post(f"/api/incidents/{ended['id']}/ack/").status_code == 409
    assert as_alice.patch(f"/api/servers/{sid}/", json={"status": "active"}).status_code == 200
    [status] = as_alice.get("/api/server-status/", query_string={"server_id": sid}).json
    assert status["status"] == "unknown"
    check(embedded, sid, DOWN)  # still down when resumed: a new incident, not the paused one
    newest, old = incidents_of(as_alice, sid)
    assert old["id"] == ended["id"] and old["state"] == "resolved"
    assert newest["state"] == "open" and newest["id"] != ended["id"]


def test_pausing_a_healthy_server_touches_no_incident(embedded, make_server, as_alice):
    sid = make_server()["id"]
    check(embedded, sid, OK)
    check(embedded, sid, DOWN)
    check(embedded, sid, OK)
    [before] = incidents_of(as_alice, sid)
    as_alice.patch(f"/api/servers/{sid}/", json={"status": "paused"})
    [after] = incidents_of(as_alice, sid)
    assert after["end_reason"] is None and after["resolved_at"] == before["resolved_at"]
