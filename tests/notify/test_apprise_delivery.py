"""Deliveries through Apprise to local receivers (json://, ntfy://): sent, failed, timed out."""

import time
from datetime import timedelta

import gevent
import pytest
from gevent.event import Event
from sqlalchemy import select, update

from pulseguard.extensions import db
from pulseguard.models import NotificationDelivery, StatusChange
from pulseguard.models.types import utcnow
from pulseguard.notify.delivery import deliver
from pulseguard.notify.triggers import enqueue_for_changes
from tests.notify.peers import HttpPeer, wait_for


@pytest.fixture
def receiver():
    peer = HttpPeer()
    yield peer
    peer.close()


def json_url(peer, path="/hook"):
    return peer.url.replace("http://", "json://") + path


def test_a_failure_reaches_a_json_receiver_through_apprise(
    embedded, server, change, add_config, deliveries, receiver
):
    config = add_config(server["id"], "apprise", json_url(receiver))
    cid = change(server["id"], "up", "down", "HTTP 503")
    with embedded.app_context():
        assert deliver(config, cid, "failure") == "sent"
    body = receiver.json()
    assert receiver.requests[0]["path"] == "/hook"
    assert body["title"] == "[PulseGuard] DOWN: web" and body["type"] == "failure"
    assert "HTTP 503" in body["message"] and "/servers/" in body["message"]
    assert deliveries() == [(config, "failure", 1, "sent", None)]


def test_the_providers_own_error_is_recorded_and_retried(
    embedded, ctx, server, change, add_config, deliveries, receiver
):
    receiver.answers = [(500, "boom")]
    config = add_config(server["id"], "apprise", json_url(receiver))
    enqueue_for_changes([change(server["id"], "up", "down")])
    wait_for(lambda: [d for d in deliveries() if d[3] == "sent"])
    assert deliveries() == [
        (
            config,
            "failure",
            1,
            "retrying",
            "Failed to send JSON POST notification: Internal server error., error=500.",
        ),
        (config, "failure", 2, "sent", None),
    ]


def test_a_4xx_from_the_provider_is_permanent(
    embedded, server, change, add_config, deliveries, receiver
):
    receiver.default = (404, "no such hook")
    config = add_config(server["id"], "apprise", json_url(receiver))
    with embedded.app_context():
        assert deliver(config, change(server["id"], "up", "down"), "failure") == "failed"
    assert "error=404" in deliveries()[0][4]


def test_ntfy_goes_to_a_local_server_with_its_priority(
    embedded, server, change, add_config, receiver
):
    topic = receiver.url.replace("http://", "ntfy://") + "/alerts"
    config = add_config(server["id"], "ntfy", topic, options={"priority": 5})
    with embedded.app_context():
        assert deliver(config, change(server["id"], "down", "up", "OK"), "recovery") == "sent"
    request = receiver.requests[0]
    body = receiver.json()
    assert body["topic"] == "alerts" and body["title"] == "[PulseGuard] UP again: web"
    assert request["headers"]["x-priority"] == "max"


def test_a_hanging_provider_times_out_within_the_bound(
    embedded, app, server, change, add_config, deliveries, receiver, monkeypatch
):
    monkeypatch.setitem(app.config, "APPRISE_TIMEOUT_S", 1)
    monkeypatch.setitem(app.config, "APPRISE_IO_TIMEOUT_S", 0.5)
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_DELAYS_S", ())
    receiver.hold = Event()
    config = add_config(server["id"], "apprise", json_url(receiver))
    started = time.monotonic()
    with embedded.app_context():
        assert deliver(config, change(server["id"], "up", "down"), "failure") == "failed"
    assert time.monotonic() - started < 3
    with embedded.app_context():
        row = db.session.scalars(select(NotificationDelivery)).one()
        assert row.status == "timeout" and 400 <= row.duration_ms < 3000


def test_a_draft_is_tested_synchronously_and_nothing_is_stored(as_alice, server, receiver):
    receiver.answers = [(500, "boom")]
    body = {
        "server": server["id"],
        "notification_type": "apprise",
        "recipient": json_url(receiver, "/user/SECRETTOKEN123"),
    }
    response = as_alice.post("/api/notification-configs/test/", json=body)
    assert response.status_code == 200, response.json
    assert response.json["ok"] is False and response.json["status"] == "failure"
    assert response.json["error"] == (
        "Failed to send JSON POST notification: Internal server error., error=500."
    )
    assert response.json["delivery"] is None and response.json["duration_ms"] >= 0
    assert receiver.json()["title"] == "[PulseGuard] Test notification: web"
    assert as_alice.get("/api/notification-configs/").json == []
    ok = as_alice.post("/api/notification-configs/test/", json=body)
    assert ok.json["ok"] is True and ok.json["status"] == "success"


def test_a_draft_with_a_bad_recipient_is_a_422_and_sends_nothing(as_alice, server, receiver):
    body = {"server": server["id"], "notification_type": "apprise", "recipient": "nope://x"}
    response = as_alice.post("/api/notification-configs/test/", json=body)
    assert response.status_code == 422 and "recipient" in response.json["errors"]["json"]
    assert receiver.requests == []


def test_errors_never_carry_the_urls_secrets(as_alice, server):
    body = {
        "server": server["id"],
        "notification_type": "apprise",
        "recipient": "json://alice:Pa55w0rdXYZ@127.0.0.1:9/hooks/T0KENVALUE99",
    }
    response = as_alice.post("/api/notification-configs/test/", json=body)
    assert response.json["ok"] is False and response.json["error"]
    assert "Pa55w0rdXYZ" not in response.json["error"]
    assert "T0KENVALUE99" not in response.json["error"]


def test_a_webhook_is_signed_with_its_own_secret(embedded, server, change, add_config, receiver):
    from pulseguard.notify.webhook import sign

    config = add_config(server["id"], "webhook", receiver.url + "/signed", secret="per-config")
    with embedded.app_context():
        assert deliver(config, change(server["id"], "up", "down"), "failure") == "sent"
    request = receiver.requests[0]
    assert request["headers"]["x-pulseguard-signature"] == sign("per-config", request["body"])


def test_an_owner_wide_config_covers_the_servers_with_its_tags(
    embedded, ctx, make_server, change, add_config, deliveries, receiver, as_alice
):
    prod = make_server(name="prod-web", tags=["prod"])
    dev = make_server(name="dev-web", tags=["dev"])
    config = add_config(None, "apprise", json_url(receiver, "/all"), tags=["prod"])
    enqueue_for_changes([change(dev["id"], "up", "down"), change(prod["id"], "up", "down")])
    wait_for(lambda: deliveries())
    gevent.sleep(0.2)
    assert [d[:4] for d in deliveries()] == [(config, "failure", 1, "sent")]
    assert receiver.json()["title"] == "[PulseGuard] DOWN: prod-web"
    listed = as_alice.get(f"/api/notification-configs/{config}/deliveries/").json
    assert [(d["server"], d["status"]) for d in listed] == [(prod["id"], "success")]


def test_degraded_and_its_recovery_reach_only_configs_that_subscribe(
    embedded, ctx, server, change, add_config, deliveries, receiver
):
    subscribed = add_config(
        server["id"], "apprise", json_url(receiver, "/deg"),
        events=["down", "degraded", "recovery"],
    )  # fmt: skip
    add_config(server["id"], "apprise", json_url(receiver, "/plain"))
    enqueue_for_changes([change(server["id"], "up", "degraded", "Slow: 2300 ms")])
    enqueue_for_changes([change(server["id"], "degraded", "up", "OK")])
    wait_for(lambda: len(deliveries()) >= 2)
    gevent.sleep(0.2)
    assert sorted(d[:4] for d in deliveries()) == [
        (subscribed, "degraded", 1, "sent"),
        (subscribed, "recovery", 1, "sent"),
    ]
    assert {r["path"] for r in receiver.requests} == {"/deg"}


def test_a_recovery_says_how_long_the_outage_lasted(
    embedded, app, server, change, add_config, receiver
):
    config = add_config(server["id"], "webhook", receiver.url + "/hook")
    down = change(server["id"], "up", "down", "HTTP 503")
    up = change(server["id"], "down", "up", "OK")
    with app.app_context():
        db.session.execute(
            update(StatusChange)
            .where(StatusChange.id == down)
            .values(created_at=utcnow() - timedelta(minutes=12, seconds=5))
        )
        db.session.commit()
        assert deliver(config, up, "recovery") == "sent"
    body = receiver.json()
    assert body["event"] == "recovery" and body["status"] == "up"
    assert body["previous_status"] == "down" and body["server"]["key"] == "web"
    assert body["server"]["protocol"] == "http" and 720 <= body["lasted_seconds"] < 730
    assert body["timestamp"] == body["time"] and body["incident"] is None
    text = add_config(server["id"], "apprise", json_url(receiver, "/text"))
    with app.app_context():
        assert deliver(text, up, "recovery") == "sent"
    assert "It was down for 12 min." in receiver.json()["message"]
