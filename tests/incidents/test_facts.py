"""An incident's first_result, last_result and notifications_sent (API-NEXT §3), over REST."""

import time

from tests.incidents.test_incidents import check, incidents_of
from tests.notify.peers import wait_for
from tests.outcomes import DOWN, OK, REFUSED


def results_of(api, sid):
    """Return the server's results, oldest first."""
    found = api.get("/api/ping-results/", query_string={"server_id": sid, "page_size": 100}).json
    return sorted(found, key=lambda r: (r["check_timestamp"], r["id"]))


def test_an_incident_points_at_its_first_failing_check_and_its_latest_one(
    embedded, make_server, as_alice
):
    sid = make_server(name="web-1", failure_threshold=2)["id"]
    now = time.time()
    check(embedded, sid, OK, now - 40)
    check(embedded, sid, DOWN, now - 30)  # the episode's first failing check
    check(embedded, sid, DOWN, now - 20)  # turns it down
    check(embedded, sid, REFUSED, now - 10)
    results = results_of(as_alice, sid)
    [incident] = incidents_of(as_alice, sid)
    first, last = incident["first_result"], incident["last_result"]
    assert first["id"] == results[1]["id"] and first == {
        k: v for k, v in results[1].items() if k in first
    }
    assert (first["status"], first["status_code"], first["kind"]) == ("failure", 503, "check")
    assert first["check_timestamp"] == incident["started_at"]
    assert last["id"] == results[3]["id"] and last["error_message"] == "Connection refused"
    check(embedded, sid, OK, now)
    check(embedded, sid, OK, now + 10)  # after the resolution: not the incident's
    [resolved] = incidents_of(as_alice, sid)
    assert resolved["first_result"]["id"] == results[1]["id"]
    assert resolved["last_result"]["status"] == "success"
    assert resolved["last_result"]["check_timestamp"] == resolved["resolved_at"]
    detail = as_alice.get(f"/api/incidents/{resolved['id']}/").json
    assert detail["last_result"] == resolved["last_result"]


def test_notifications_sent_counts_the_deliveries_that_reached_their_channel(
    embedded, make_server, as_alice, add_config, webhook
):
    sid = make_server()["id"]
    add_config(sid, "webhook", webhook.url)
    add_config(sid, "webhook", webhook.url + "/second")
    check(embedded, sid, OK)
    check(embedded, sid, DOWN)
    wait_for(lambda: len(webhook.requests) == 2)
    wait_for(lambda: incidents_of(as_alice, sid)[0]["notifications_sent"] == 2)
    webhook.default = (500, "{}")  # the recovery fails on both configs: not sent
    check(embedded, sid, OK)
    wait_for(lambda: len(webhook.requests) == 2 + 2 * 3)  # each tried three times
    time.sleep(0.3)  # the last attempts' rows are written after their answers
    assert incidents_of(as_alice, sid)[0]["notifications_sent"] == 2


def test_a_manual_incident_has_no_results(as_alice, make_server):
    sid = make_server()["id"]
    created = as_alice.post("/api/incidents/", json={"title": "Planned move", "servers": [sid]})
    assert created.status_code == 201
    body = created.json
    assert (body["first_result"], body["last_result"], body["notifications_sent"]) == (
        None,
        None,
        0,
    )
    listed = as_alice.get("/api/incidents/").json[0]
    assert listed["first_result"] is None and listed["notifications_sent"] == 0
