"""Notification configs: CRUD, recipient validation per channel, ownership."""

import pytest


@pytest.fixture
def make_config(as_alice, make_server):
    def make(api=None, **fields):
        server_id = fields.pop("server", None) or make_server()["id"]
        body = {"server": server_id, "notification_type": "email", "recipient": "ops@example.com"}
        response = (api or as_alice).post("/api/notification-configs/", json=body | fields)
        assert response.status_code == 201, response.json
        return response.json

    return make


def test_it_creates_a_config_with_defaults(make_config):
    config = make_config()
    assert config["enabled"] is True
    assert config["notify_on_failure"] is True and config["notify_on_recovery"] is True
    assert set(config) >= {"id", "server", "notification_type", "recipient"}


def test_the_server_lists_its_configs(as_alice, make_config):
    config = make_config()
    server = as_alice.get(f"/api/servers/{config['server']}/").json
    assert [n["id"] for n in server["notifications"]] == [config["id"]]


@pytest.mark.parametrize(
    "kind, good, bad",
    [
        ("email", "ops@example.com", "not-an-email"),
        ("webhook", "https://hooks.example.com/x", "ftp://hooks.example.com"),
        ("sms", "+15551234567", "5551234567"),
    ],
)
def test_recipients_are_validated_per_channel(as_alice, make_server, kind, good, bad):
    server_id = make_server()["id"]
    body = {"server": server_id, "notification_type": kind}
    ok = as_alice.post("/api/notification-configs/", json=body | {"recipient": good})
    assert ok.status_code == 201
    rejected = as_alice.post("/api/notification-configs/", json=body | {"recipient": bad})
    assert rejected.status_code == 422
    assert "recipient" in rejected.json["errors"]["json"]


def test_changing_the_type_revalidates_the_recipient(as_alice, make_config):
    config = make_config()
    response = as_alice.patch(
        f"/api/notification-configs/{config['id']}/", json={"notification_type": "sms"}
    )
    assert response.status_code == 422
    assert as_alice.get(f"/api/notification-configs/{config['id']}/").json["notification_type"] == (
        "email"
    )


def test_an_unknown_type_is_rejected(as_alice, make_server):
    body = {"server": make_server()["id"], "notification_type": "pigeon", "recipient": "x"}
    response = as_alice.post("/api/notification-configs/", json=body)
    assert response.status_code == 422 and "notification_type" in response.json["errors"]["json"]


def test_a_config_for_someone_elses_server_is_404(as_bob, make_server):
    server_id = make_server()["id"]
    body = {"server": server_id, "notification_type": "email", "recipient": "bob@example.com"}
    assert as_bob.post("/api/notification-configs/", json=body).status_code == 404


def test_other_users_configs_are_invisible(as_bob, make_config):
    config = make_config()
    assert as_bob.get("/api/notification-configs/").json == []
    for method in ("get", "patch", "put", "delete"):
        response = getattr(as_bob, method)(f"/api/notification-configs/{config['id']}/", json={})
        assert response.status_code in (404, 422)
    assert as_bob.get(f"/api/notification-configs/{config['id']}/").status_code == 404
    assert as_bob.delete(f"/api/notification-configs/{config['id']}/").status_code == 404


def test_filter_update_and_delete(as_alice, make_server, make_config):
    one, two = make_server(name="one")["id"], make_server(name="two")["id"]
    first = make_config(server=one)
    make_config(server=two, notification_type="sms", recipient="+15551234567")
    listed = as_alice.get(f"/api/notification-configs/?server_id={one}").json
    assert [c["id"] for c in listed] == [first["id"]]
    url = f"/api/notification-configs/{first['id']}/"
    assert as_alice.patch(url, json={"enabled": False}).json["enabled"] is False
    assert as_alice.delete(url).status_code == 204
    assert as_alice.get(url).status_code == 404


def test_deleting_a_server_deletes_its_configs(as_alice, make_config):
    config = make_config()
    as_alice.delete(f"/api/servers/{config['server']}/")
    assert as_alice.get("/api/notification-configs/").json == []
