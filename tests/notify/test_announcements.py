"""Announcements reach channels (API-NEXT §6): maintenance start and end (when the window has
notify_start_end), public updates of manual incidents, and expiring certificates, each once per
config subscribed to its event, through a real local webhook receiver."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from pulseguard.jobs.checks import run_check_batch
from pulseguard.jobs.engine import get_engine
from pulseguard.monitoring.maintenance import apply_windows
from tests.notify.peers import wait_for
from tests.targets import Certificates, LocalServer


def bodies(webhook, event):
    return [
        webhook.json(i) for i in range(len(webhook.requests)) if webhook.json(i)["event"] == event
    ]


def settle(deliveries, count):
    wait_for(lambda: len(deliveries()) >= count)
    time.sleep(0.2)  # nothing more is on its way (a duplicate would land within this)
    return deliveries()


def window_body(start, notify):
    schedule = {
        "type": "once",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
    }
    return {
        "name": "db upgrade",
        "schedule": schedule,
        "all_servers": True,
        "notify_start_end": notify,
    }


def test_a_window_tells_its_start_and_end_once_to_subscribed_configs(
    embedded, server, add_config, deliveries, webhook, as_alice
):
    told = add_config(server["id"], "webhook", webhook.url + "/told", events=["maintenance"])
    add_config(server["id"], "webhook", webhook.url + "/deaf", events=["down", "recovery"])
    start = datetime.now(UTC) + timedelta(minutes=10)
    window = as_alice.post("/api/maintenance-windows/", json=window_body(start, True)).json
    with embedded.app_context():
        apply_windows(now=start + timedelta(seconds=1))
        apply_windows(now=start + timedelta(seconds=2))  # still in force: nothing new
    rows = settle(deliveries, 1)
    assert [(c, e, o) for c, e, _, o, _ in rows] == [(told, "maintenance", "sent")]
    [began] = bodies(webhook, "maintenance")
    assert began["window"] == {"id": window["id"], "name": "db upgrade", "state": "active"}
    assert began["message"].startswith("Maintenance window db upgrade started")
    assert webhook.requests[0]["path"] == "/told"
    with embedded.app_context():
        apply_windows(now=start + timedelta(hours=2))
    rows = settle(deliveries, 2)
    assert [(c, e) for c, e, *_ in rows] == [(told, "maintenance")] * 2
    ended = bodies(webhook, "maintenance")[1]
    assert ended["window"]["state"] == "ended"
    assert {r["path"] for r in webhook.requests} == {"/told"}


def test_a_window_without_notify_start_end_tells_nobody(
    embedded, server, add_config, deliveries, webhook, as_alice
):
    add_config(server["id"], "webhook", webhook.url + "/told", events=["maintenance"])
    start = datetime.now(UTC) + timedelta(minutes=10)
    as_alice.post("/api/maintenance-windows/", json=window_body(start, False))
    with embedded.app_context():
        apply_windows(now=start + timedelta(seconds=1))
        apply_windows(now=start + timedelta(hours=2))
    time.sleep(0.3)
    assert deliveries() == [] and webhook.requests == []


def test_public_updates_of_manual_incidents_are_told_once_private_ones_never(
    embedded, server, add_config, deliveries, webhook, as_alice, as_bob, make_server
):
    told = add_config(server["id"], "webhook", webhook.url + "/told", events=["incident_update"])
    add_config(server["id"], "webhook", webhook.url + "/deaf")  # down and recovery only
    body = {"title": "Slow API", "servers": [server["id"]], "message": "Looking", "public": True}
    incident = as_alice.post("/api/incidents/", json=body).json
    rows = settle(deliveries, 1)  # the opening update is public: told
    private = {"message": "the DBA is on it", "public": False}
    assert (
        as_alice.post(f"/api/incidents/{incident['id']}/updates/", json=private).status_code == 201
    )
    public = {"message": "Fixed", "status": "resolved", "public": True}
    assert (
        as_alice.post(f"/api/incidents/{incident['id']}/updates/", json=public).status_code == 201
    )
    rows = settle(deliveries, 2)
    assert [(c, e, o) for c, e, _, o, _ in rows] == [(told, "incident_update", "sent")] * 2
    told_bodies = bodies(webhook, "incident_update")
    assert [b["update"]["status"] for b in told_bodies] == ["investigating", "resolved"]
    assert [b["incident"]["id"] for b in told_bodies] == [incident["id"]] * 2
    assert "Fixed" in told_bodies[1]["message"] and "DBA" not in str(told_bodies)
    bobs = make_server(api=as_bob, name="bob-web")["id"]
    forbidden = {"title": "x", "servers": [bobs], "public": True, "message": "m"}
    assert as_alice.post("/api/incidents/", json=forbidden).status_code == 422
    assert len(deliveries()) == 2


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return Certificates(tmp_path_factory.mktemp("tls"))


def test_an_expiring_certificate_is_told_once_per_threshold(
    embedded, add_config, deliveries, webhook, as_alice, ca
):
    until = datetime.now(UTC) + timedelta(days=5, hours=1)
    site = LocalServer(ca.server_context(ca.ca.issue_cert("127.0.0.1", not_after=until)))
    try:
        body = {"name": "site", "protocol": "https", "host": "127.0.0.1", "port": site.port}
        server = as_alice.post("/api/servers/", json=body | {"verify_tls": False}).json
        told = add_config(server["id"], "webhook", webhook.url + "/told", events=["cert_expiring"])
        add_config(server["id"], "webhook", webhook.url + "/deaf")
        for _ in range(2):  # the second check crosses no new threshold
            with embedded.app_context():
                run_check_batch([[server["id"], time.time()]])
            assert get_engine(embedded).drain(10)
        rows = settle(deliveries, 1)
    finally:
        site.stop()
    assert [(c, e, o) for c, e, _, o, _ in rows] == [(told, "cert_expiring", "sent")]
    [sent] = bodies(webhook, "cert_expiring")
    assert sent["certificate"]["threshold_days"] == 7
    assert sent["certificate"]["days_remaining"] == 5
    assert "expires in 5 days" in sent["message"]
    assert webhook.requests[0]["path"] == "/told"
