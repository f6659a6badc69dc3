"""Manual incidents (announcements), PATCH, resolve and DELETE: what people do by hand."""

import time

from pulseguard.extensions import db
from pulseguard.models import IncidentUpdate
from pulseguard.models.incident_update import public_updates
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result


def auto_incident(app, api, sid):
    """Take a server down so that it opens an automatic incident; return the incident."""
    now = time.time()
    with app.app_context():
        record_results([result(sid, OK, now - 10)])
        record_results([result(sid, DOWN, now)])
    return api.get(f"/api/servers/{sid}/incidents/").json[0]


def test_a_manual_incident_is_an_announcement_on_some_servers(make_server, as_alice):
    web = make_server(name="web")["id"]
    body = {"title": "Payments are slow", "servers": [web], "message": "Looking at it"}
    answer = as_alice.post("/api/incidents/", json=body)
    assert answer.status_code == 201, answer.json
    incident = answer.json
    assert incident["kind"] == "manual" and incident["server"] is None
    assert incident["servers"] == [web] and incident["public"] is True
    assert (incident["state"], incident["severity"]) == ("open", "degraded")
    [update] = incident["updates"]
    assert update["message"] == "Looking at it" and update["status"] == "investigating"
    assert update["public"] is True and update["author"]["username"] == "alice"
    assert [i["id"] for i in as_alice.get(f"/api/servers/{web}/incidents/").json] == [
        incident["id"]
    ]
    assert as_alice.get("/api/incidents/?kind=manual").json[0]["id"] == incident["id"]


def test_bad_manual_incidents_get_422_and_leave_nothing(make_server, as_alice, as_bob):
    bobs = make_server(api=as_bob, name="bob-web")["id"]
    mine = make_server(name="web")["id"]
    cases = [
        ({}, ["title"]),
        ({"title": "x" * 201}, ["title"]),
        ({"title": "t", "servers": [mine, bobs]}, ["servers", "1"]),
        ({"title": "t", "servers": [999999]}, ["servers", "0"]),
        ({"title": "t", "severity": "meh"}, ["severity"]),
        ({"title": "t", "status_pages": [424242]}, ["status_pages", "0"]),
        ({"title": "t", "message": ""}, ["message"]),
    ]
    for body, path in cases:
        answer = as_alice.post("/api/incidents/", json=body)
        assert answer.status_code == 422, (body, answer.json)
        errors = answer.json["errors"]["json"]
        for key in path:
            errors = errors[key]
        assert errors, body
    assert as_alice.get(f"/api/servers/{mine}/incidents/").json[0:1] == []
    assert as_alice.get("/api/incidents/").json == []


def test_patch_changes_title_and_public_and_only_manual_ones_take_severity(
    app, make_server, as_alice
):
    sid = make_server(name="web")["id"]
    auto = auto_incident(app, as_alice, sid)
    url = f"/api/incidents/{auto['id']}/"
    answer = as_alice.patch(url, json={"title": "Web is down (DNS)", "public": True})
    assert answer.status_code == 200
    assert (answer.json["title"], answer.json["public"]) == ("Web is down (DNS)", True)
    refused = as_alice.patch(url, json={"severity": "degraded"})
    assert refused.status_code == 422
    assert refused.json["errors"]["json"]["severity"] == ["Set by the checks."]
    assert as_alice.patch(url, json={"servers": [sid]}).status_code == 422
    assert as_alice.get(url).json["severity"] == "down"
    announced = as_alice.post("/api/incidents/", json={"title": "Slow"}).json
    changed = as_alice.patch(
        f"/api/incidents/{announced['id']}/", json={"severity": "down", "servers": [sid]}
    )
    assert changed.status_code == 200
    assert (changed.json["severity"], changed.json["servers"]) == ("down", [sid])
    bad = as_alice.patch(f"/api/incidents/{announced['id']}/", json={"servers": [0]})
    assert bad.status_code == 422


def test_resolve_and_delete_are_for_manual_incidents(app, make_server, as_alice):
    sid = make_server(name="web")["id"]
    auto = auto_incident(app, as_alice, sid)
    answer = as_alice.post(f"/api/incidents/{auto['id']}/resolve/")
    assert answer.status_code == 409
    assert answer.json["message"] == "Resolves automatically when the server recovers."
    assert as_alice.delete(f"/api/incidents/{auto['id']}/").status_code == 405
    assert as_alice.get(f"/api/incidents/{auto['id']}/").status_code == 200
    manual = as_alice.post("/api/incidents/", json={"title": "DB failover", "message": "m"}).json
    resolved = as_alice.post(f"/api/incidents/{manual['id']}/resolve/")
    assert resolved.status_code == 200 and resolved.json["state"] == "resolved"
    assert resolved.json["duration_seconds"] is not None
    assert as_alice.post(f"/api/incidents/{manual['id']}/resolve/").status_code == 409
    assert as_alice.delete(f"/api/incidents/{manual['id']}/").status_code == 204
    assert as_alice.get(f"/api/incidents/{manual['id']}/").status_code == 404
    with app.app_context():
        assert db.session.query(IncidentUpdate).count() == 0  # its updates went with it


def test_updates_public_and_private(app, make_server, as_alice):
    sid = make_server(name="web")["id"]
    auto = auto_incident(app, as_alice, sid)
    assert auto["public"] is False
    url = f"/api/incidents/{auto['id']}/updates/"
    private = as_alice.post(url, json={"message": "the disk is full", "status": "identified"})
    assert private.status_code == 201 and private.json["public"] is False
    assert as_alice.get(f"/api/incidents/{auto['id']}/").json["public"] is False
    public = as_alice.post(url, json={"message": "We are on it", "public": True})
    assert public.status_code == 201 and public.json["status"] == "update"
    assert as_alice.get(f"/api/incidents/{auto['id']}/").json["public"] is True
    listed = as_alice.get(url).json
    assert [u["message"] for u in listed] == ["We are on it", "the disk is full"]
    with app.app_context():
        shown = public_updates([auto["id"]])
        assert [u.message for u in shown[auto["id"]]] == ["We are on it"]


def test_a_resolved_update_resolves_a_manual_incident_but_not_an_automatic_one_still_down(
    app, make_server, as_alice
):
    sid = make_server(name="web")["id"]
    auto = auto_incident(app, as_alice, sid)
    url = f"/api/incidents/{auto['id']}/updates/"
    refused = as_alice.post(url, json={"message": "fixed?", "status": "resolved"})
    assert refused.status_code == 409
    assert as_alice.get(url).json == []  # nothing half-written
    with app.app_context():
        record_results([result(sid, OK)])
    note = as_alice.post(url, json={"message": "root cause: disk", "status": "resolved"})
    assert note.status_code == 201
    manual = as_alice.post("/api/incidents/", json={"title": "Slow"}).json
    done = as_alice.post(
        f"/api/incidents/{manual['id']}/updates/", json={"message": "ok now", "status": "resolved"}
    )
    assert done.status_code == 201
    assert as_alice.get(f"/api/incidents/{manual['id']}/").json["state"] == "resolved"


def test_bad_updates_get_422(make_server, as_alice):
    manual = as_alice.post("/api/incidents/", json={"title": "Slow"}).json
    url = f"/api/incidents/{manual['id']}/updates/"
    for body, field in (
        ({"message": ""}, "message"),
        ({}, "message"),
        ({"message": "m", "status": "fine"}, "status"),
        ({"message": "x" * 5001}, "message"),
    ):
        answer = as_alice.post(url, json=body)
        assert answer.status_code == 422 and field in answer.json["errors"]["json"], body
    assert as_alice.get(url).json == []


def test_bob_cannot_see_or_touch_alices_manual_incidents(make_server, as_alice, as_bob):
    sid = make_server(name="web")["id"]
    manual = as_alice.post("/api/incidents/", json={"title": "Slow", "servers": [sid]}).json
    base = f"/api/incidents/{manual['id']}/"
    assert as_bob.get("/api/incidents/").json == []
    assert as_bob.get(base).status_code == 404
    assert as_bob.patch(base, json={"title": "mine"}).status_code == 404
    assert as_bob.delete(base).status_code == 404
    assert as_bob.post(base + "resolve/").status_code == 404
    assert as_bob.get(base + "updates/").status_code == 404
    assert as_bob.post(base + "updates/", json={"message": "hi"}).status_code == 404
    assert as_bob.post(base + "ack/").status_code == 404
    assert as_alice.get(base).json["title"] == "Slow"
