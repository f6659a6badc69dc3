"""Messages name the incident: its id and duration, in the text and in the webhook body."""

import time

from pulseguard.monitoring.record import record_results
from tests.notify.peers import wait_for
from tests.outcomes import DOWN, OK, result


def check(app, sid, outcome, at):
    with app.app_context():
        record_results([result(sid, outcome, at)])


def test_down_and_recovery_name_their_incident(
    embedded, server, add_config, deliveries, webhook, as_alice
):
    hook = add_config(server["id"], "webhook", webhook.url + "/hook")
    text = add_config(server["id"], "apprise", webhook.url.replace("http", "json") + "/text")
    now = time.time()
    check(embedded, server["id"], OK, now - 120)
    check(embedded, server["id"], DOWN, now - 90)
    wait_for(lambda: len(deliveries()) == 2)
    [incident] = as_alice.get(f"/api/servers/{server['id']}/incidents/").json
    down = {r["path"]: webhook.json(i) for i, r in enumerate(webhook.requests)}
    assert down["/hook"]["event"] == "failure"
    assert down["/hook"]["incident"]["id"] == incident["id"]
    assert down["/hook"]["incident"]["started_at"] == incident["started_at"].replace("+00:00", "Z")
    assert f"Incident #{incident['id']}, open for" in down["/text"]["message"]
    assert down["/text"]["title"] == "[PulseGuard] DOWN: web"
    check(embedded, server["id"], OK, now - 30)
    wait_for(lambda: len(deliveries()) == 4)
    up = {r["path"]: webhook.json(i) for i, r in enumerate(webhook.requests[2:], start=2)}
    assert up["/hook"]["event"] == "recovery"
    assert up["/hook"]["incident"] == {
        "id": incident["id"],
        "started_at": incident["started_at"].replace("+00:00", "Z"),
        "duration_seconds": 60,
    }
    assert f"Incident #{incident['id']} resolved after 1 min." in up["/text"]["message"]
    listed = as_alice.get(f"/api/notification-configs/{hook}/deliveries/").json
    assert [(row["event"], row["incident"]) for row in listed] == [
        ("recovery", incident["id"]),
        ("failure", incident["id"]),
    ]
    assert text != hook
