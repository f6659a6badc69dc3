"""Incidents follow the status: one per outage, first failing check to first success."""

import time
from datetime import UTC, datetime

import gevent
import pytest
from sqlalchemy import func, select

from pulseguard.checks.outcome import Outcome
from pulseguard.extensions import db
from pulseguard.models import Incident
from pulseguard.monitoring.record import record_results
from pulseguard.notify.reminders import send_reminders
from tests.outcomes import DOWN, OK, result

SLOW = Outcome("success", 900.0, 200, "OK")


def check(app, sid, outcome, at=None):
    with app.app_context():
        record_results([result(sid, outcome, at)])


def incidents_of(api, sid, **query):
    return api.get(f"/api/servers/{sid}/incidents/", query_string=query).json


def test_an_outage_opens_one_incident_starting_at_its_first_failing_check(
    embedded, make_server, as_alice
):
    sid = make_server(name="web-1", failure_threshold=3)["id"]
    now = time.time()
    check(embedded, sid, OK, now - 40)
    for n in range(3):
        check(embedded, sid, DOWN, now - 30 + 10 * n)  # the third turns it down
    check(embedded, sid, DOWN, now)
    [incident] = incidents_of(as_alice, sid)
    assert incident["title"] == "web-1 is down" and incident["state"] == "open"
    assert incident["severity"] == "down" and incident["cause"] == "HTTP 503"
    assert incident["cause_category"] == "http_status" and incident["kind"] == "auto"
    assert datetime.fromisoformat(incident["started_at"]) == datetime.fromtimestamp(now - 30, UTC)
    assert datetime.fromisoformat(incident["detected_at"]) == datetime.fromtimestamp(now - 10, UTC)
    assert incident["resolved_at"] is None and incident["duration_seconds"] is None
    assert incident["ongoing_seconds"] >= 30
    check(embedded, sid, OK, now + 10)
    [resolved] = incidents_of(as_alice, sid)
    assert resolved["state"] == "resolved" and resolved["current_status"] == "up"
    assert resolved["duration_seconds"] == 40.0 and resolved["ongoing_seconds"] is None
    for n in range(3):
        check(embedded, sid, DOWN, now + 20 + n)
    assert [i["state"] for i in incidents_of(as_alice, sid)] == ["open", "resolved"]


def test_severity_is_the_worst_state_of_the_episode(embedded, make_server, as_alice):
    sid = make_server(degraded_threshold_ms=500)["id"]
    now = time.time()
    check(embedded, sid, OK, now - 30)
    check(embedded, sid, SLOW, now - 20)
    assert incidents_of(as_alice, sid)[0]["severity"] == "degraded"
    check(embedded, sid, DOWN, now - 10)
    check(embedded, sid, SLOW, now)
    [incident] = incidents_of(as_alice, sid)
    assert (incident["severity"], incident["current_status"], incident["state"]) == (
        "down",
        "degraded",
        "open",
    )


def test_no_incident_opens_inside_a_maintenance_window(embedded, make_server, as_alice):
    sid = make_server()["id"]
    check(embedded, sid, OK)
    body = {"name": "w", "schedule": {"type": "manual"}, "servers": [sid]}
    window = as_alice.post("/api/maintenance-windows/", json=body).json["id"]
    as_alice.post(f"/api/maintenance-windows/{window}/start/")
    check(embedded, sid, DOWN)
    assert incidents_of(as_alice, sid) == []
    as_alice.post(f"/api/maintenance-windows/{window}/stop/")  # up before, down after
    [incident] = incidents_of(as_alice, sid)
    assert incident["state"] == "open" and incident["started_at"] == incident["detected_at"]


def test_a_success_inside_a_window_resolves_the_open_incident(embedded, make_server, as_alice):
    sid = make_server()["id"]
    check(embedded, sid, OK)
    check(embedded, sid, DOWN)
    body = {"name": "w", "schedule": {"type": "manual"}, "servers": [sid]}
    window = as_alice.post("/api/maintenance-windows/", json=body).json["id"]
    as_alice.post(f"/api/maintenance-windows/{window}/start/")
    check(embedded, sid, OK)
    assert incidents_of(as_alice, sid)[0]["state"] == "resolved"


def test_acknowledging_twice_keeps_the_first_and_a_resolved_one_answers_409(
    embedded, make_server, as_alice, admin, as_admin
):
    sid = make_server()["id"]
    check(embedded, sid, OK)
    check(embedded, sid, DOWN)
    [incident] = incidents_of(as_alice, sid)
    url = f"/api/incidents/{incident['id']}/ack/"
    first = as_alice.post(url, json={"note": "on it"})
    assert first.status_code == 200 and first.json["ack_note"] == "on it"
    assert first.json["acknowledged_by"]["username"] == "alice"
    second = as_admin.post(url, json={"note": "me too"})
    assert second.status_code == 200
    assert second.json["acknowledged_at"] == first.json["acknowledged_at"]
    assert second.json["ack_note"] == "on it"
    assert as_alice.get("/api/incidents/?acknowledged=true").json[0]["id"] == incident["id"]
    assert as_alice.delete(url).status_code == 204
    assert as_alice.get(f"/api/incidents/{incident['id']}/").json["acknowledged_at"] is None
    check(embedded, sid, OK)
    assert as_alice.post(url).status_code == 409


def test_an_acknowledged_incident_gets_no_reminders(
    embedded, make_server, as_alice, add_config, webhook
):
    from datetime import timedelta

    from sqlalchemy import update

    from pulseguard.models import NotificationConfig, StatusChange

    sid = make_server()["id"]
    add_config(sid, "webhook", webhook.url, reminder_minutes=1)
    check(embedded, sid, OK)
    check(embedded, sid, DOWN)
    with embedded.app_context():
        db.session.execute(
            update(StatusChange).values(created_at=datetime.now(UTC) - timedelta(minutes=5))
        )
        db.session.execute(update(NotificationConfig).values(reminded_at=None))
        db.session.commit()
    [incident] = incidents_of(as_alice, sid)
    as_alice.post(f"/api/incidents/{incident['id']}/ack/")
    with embedded.app_context():
        assert send_reminders() == 0
    as_alice.delete(f"/api/incidents/{incident['id']}/ack/")
    with embedded.app_context():
        assert send_reminders() == 0  # "again from now": the next one is a period away


def test_bob_never_sees_alices_incidents(embedded, make_server, as_alice, as_bob):
    sid = make_server()["id"]
    check(embedded, sid, OK)
    check(embedded, sid, DOWN)
    [incident] = incidents_of(as_alice, sid)
    assert as_bob.get("/api/incidents/").json == []
    assert as_bob.get(f"/api/incidents/{incident['id']}/").status_code == 404
    assert as_bob.post(f"/api/incidents/{incident['id']}/ack/").status_code == 404
    assert as_bob.get(f"/api/servers/{sid}/incidents/").status_code == 404


def test_two_workers_racing_on_one_outage_make_exactly_one_incident(embedded, make_server):
    sid = make_server()["id"]
    check(embedded, sid, OK)

    def record():
        with embedded.app_context():
            record_results([result(sid, DOWN)])
            db.session.remove()

    workers = [gevent.spawn(record) for _ in range(2)]
    gevent.joinall(workers, raise_error=True)
    with embedded.app_context():
        count = db.session.scalar(select(func.count()).select_from(Incident))
        assert count == 1


@pytest.mark.parametrize("state", ["open", "resolved"])
def test_the_state_filter(embedded, make_server, as_alice, state):
    sid = make_server()["id"]
    check(embedded, sid, OK)
    check(embedded, sid, DOWN)
    if state == "resolved":
        check(embedded, sid, OK)
    assert len(as_alice.get(f"/api/incidents/?state={state}").json) == 1
    other = "open" if state == "resolved" else "resolved"
    assert as_alice.get(f"/api/incidents/?state={other}").json == []
