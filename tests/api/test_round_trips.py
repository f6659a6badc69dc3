"""Round trips: a PUT of the body a GET answered is 200 and changes nothing (issue 18)."""

import pytest

SERVERS = [
    {"name": "web", "protocol": "https", "host": "example.com", "tags": ["prod"], "keyword": "ok"},
    {"name": "api", "protocol": "http", "host": "127.0.0.1", "port": 8080, "headers": {"X-A": "1"}},
    {"name": "db", "protocol": "tcp", "host": "127.0.0.1", "port": 5432, "badges_enabled": True},
    {"name": "resolver", "protocol": "dns", "host": "www.example.test"},
    {"name": "nightly", "protocol": "push", "push": {"cron": "30 2 * * *", "timezone": "UTC"}},
]
CONFIGS = [
    ("email", "ops@example.com", {}),
    ("webhook", "https://hooks.example.com/pulse", {}),
    ("sms", "+15551234567", {}),
    ("slack", "https://hooks.slack.com/services/T1234ABCD/B1234ABCD/abcdefghijklmnopqrstuvwx", {}),
    ("pagerduty", "R0UT1NGKEY0123456789abcdef012345", {"api_key": "u+apikey1234"}),
    ("ntfy", "https://ntfy.sh/pulseguard-alerts", {"priority": 4}),
]


@pytest.mark.parametrize("body", SERVERS, ids=[s["protocol"] for s in SERVERS])
def test_a_server_put_back_as_it_was_read_is_200_and_changes_nothing(as_alice, body):
    created = as_alice.post("/api/servers/", json=body)
    assert created.status_code == 201, created.json
    url = f"/api/servers/{created.json['id']}/"
    read = as_alice.get(url).json
    response = as_alice.put(url, json=read)
    assert response.status_code == 200, response.json
    after = as_alice.get(url).json
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in read.items() if k != "updated_at"
    }


@pytest.mark.parametrize("kind, recipient, options", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_a_notification_config_put_back_as_it_was_read_is_200(
    as_alice, make_server, kind, recipient, options
):
    server = make_server()
    body = {"server": server["id"], "notification_type": kind, "recipient": recipient}
    created = as_alice.post("/api/notification-configs/", json=body | {"options": options})
    assert created.status_code == 201, created.json
    url = f"/api/notification-configs/{created.json['id']}/"
    read = as_alice.get(url).json
    response = as_alice.put(url, json=read)
    assert response.status_code == 200, response.json
    assert as_alice.get(url).json == read


def test_read_only_fields_are_ignored_whatever_their_value(as_alice, alice, make_server):
    server = make_server()
    url = f"/api/servers/{server['id']}/"
    body = as_alice.get(url).json | {
        "id": 999,
        "owner": 12345,
        "created_at": "2001-01-01T00:00:00Z",
    }
    response = as_alice.put(url, json=body)
    assert response.status_code == 200, response.json
    assert response.json["id"] == server["id"] and response.json["owner"] == alice.id
    assert response.json["created_at"] == server["created_at"]


def test_an_unknown_field_in_a_put_is_still_422(as_alice, make_server):
    server = make_server()
    url = f"/api/servers/{server['id']}/"
    response = as_alice.put(url, json=as_alice.get(url).json | {"surprise": 1})
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["surprise"]


def test_the_openapi_document_says_read_only_fields_are_ignored(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in ("/api/servers/{server_id}/", "/api/notification-configs/{config_id}/"):
        assert "accepted and ignored" in paths[path]["put"]["description"]
