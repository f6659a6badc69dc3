"""TARGET_DENY_NETWORKS applies to Apprise URLs: literal addresses on save, names when sent."""

import pytest
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import NotificationDelivery
from pulseguard.notify.delivery import deliver
from tests.notify.peers import HttpPeer


@pytest.fixture
def receiver():
    peer = HttpPeer()
    yield peer
    peer.close()


@pytest.fixture
def deny_loopback(app, monkeypatch):
    monkeypatch.setitem(app.config, "TARGET_DENY_NETWORKS", "default,loopback")


def post(as_alice, server, notification_type, recipient):
    body = {"server": server["id"], "notification_type": notification_type, "recipient": recipient}
    return as_alice.post("/api/notification-configs/", json=body)


def test_a_literal_denied_address_is_refused_when_saved(as_alice, server, deny_loopback):
    for kind, url in (
        ("apprise", "json://127.0.0.1:8080/hook"),
        ("apprise", "xml://[::1]:8080/hook"),
        ("apprise", "json://169.254.169.254/latest"),
        ("ntfy", "http://127.0.0.1:8080/alerts"),
        ("apprise", "gotify://127.0.0.1/AbCdEfGhIjKlMnO"),
    ):
        response = post(as_alice, server, kind, url)
        assert response.status_code == 422, url
        [message] = response.json["errors"]["json"]["recipient"]
        assert "is in TARGET_DENY_NETWORKS" in message and "TARGET_ALLOW_NETWORKS" in message, url
    assert as_alice.get("/api/notification-configs/").json == []


def test_the_metadata_address_is_refused_by_default(as_alice, server):
    response = post(as_alice, server, "apprise", "jsons://169.254.169.254/latest/meta-data")
    assert response.status_code == 422
    assert "169.254.169.254 is in TARGET_DENY_NETWORKS" in str(response.json)


def test_a_name_resolving_to_a_denied_address_fails_permanently_when_sent(
    embedded, server, change, add_config, deliveries, receiver, deny_loopback
):
    for kind, url in (
        ("apprise", receiver.url.replace("http://127.0.0.1", "json://localhost") + "/hook"),
        ("ntfy", receiver.url.replace("127.0.0.1", "localhost") + "/alerts"),
    ):
        config = add_config(server["id"], kind, url)  # a name: accepted, checked when sent
        with embedded.app_context():
            assert deliver(config, change(server["id"], "up", "down"), "failure") == "failed"
            row = db.session.scalars(
                select(NotificationDelivery).where(NotificationDelivery.config_id == config)
            ).one()
            assert row.attempt == 1 and row.outcome == "failed" and row.status == "failure"
            assert "is in TARGET_DENY_NETWORKS" in row.error, row.error
            assert "127.0.0.1" in row.error or "::1" in row.error
    assert receiver.requests == []  # nothing reached the target


def test_the_same_name_is_delivered_when_loopback_is_allowed(
    embedded, server, change, add_config, deliveries, receiver
):
    url = receiver.url.replace("http://127.0.0.1", "json://localhost") + "/hook"
    config = add_config(server["id"], "apprise", url)
    with embedded.app_context():
        assert deliver(config, change(server["id"], "up", "down"), "failure") == "sent"
    assert len(receiver.requests) == 1


def test_an_allow_network_carves_an_exception(
    app, embedded, server, change, add_config, receiver, monkeypatch
):
    monkeypatch.setitem(app.config, "TARGET_DENY_NETWORKS", "default,loopback")
    monkeypatch.setitem(app.config, "TARGET_ALLOW_NETWORKS", "127.0.0.0/8,::1/128")
    config = add_config(server["id"], "apprise", json_url := receiver.url.replace("http", "json"))
    assert json_url.startswith("json://127.0.0.1")
    with embedded.app_context():
        assert deliver(config, change(server["id"], "up", "down"), "failure") == "sent"
    assert len(receiver.requests) == 1


def test_a_test_send_to_a_blocked_target_answers_the_guards_reason(
    as_alice, server, receiver, deny_loopback
):
    body = {
        "server": server["id"],
        "notification_type": "apprise",
        "recipient": receiver.url.replace("http://127.0.0.1", "json://localhost"),
    }
    response = as_alice.post("/api/notification-configs/test/", json=body)
    assert response.status_code == 200, response.json
    assert response.json["ok"] is False and response.json["status"] == "failure"
    assert "is in TARGET_DENY_NETWORKS" in response.json["error"]
    assert receiver.requests == []
