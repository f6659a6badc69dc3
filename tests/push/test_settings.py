"""Push servers: their settings, checked when saved (API-NEXT §1.2), and their secret token."""

import pytest


def test_a_push_server_gets_defaults_a_token_and_a_ping_url(make_push):
    server = make_push()
    push = server["push"]
    assert server["host"] is None and server["port"] is None
    assert push["period"] == 86400 and push["cron"] is None and push["timezone"] == "UTC"
    assert push["grace"] == 3600 and push["max_runtime"] is None and push["methods"] == "any"
    assert push["resume_on_ping"] is True and push["running"] is False
    assert len(push["token"]) == 24 and push["token"].isalnum()
    assert push["ping_url"] == f"http://localhost/api/push/{push['token']}"
    assert push["last_ping_at"] is None and push["next_expected_at"] is None


def test_every_push_server_has_its_own_token(make_push):
    tokens = {make_push()["push"]["token"] for _ in range(5)}
    assert len(tokens) == 5


def test_other_kinds_show_no_push_block(make_server):
    assert "push" not in make_server()


def test_a_cron_schedule_replaces_the_period(as_alice, make_push):
    server = make_push(cron="30 2 * * *", timezone="Europe/Kiev")
    assert server["push"]["cron"] == "30 2 * * *" and server["push"]["period"] is None
    assert server["push"]["timezone"] == "Europe/Kyiv"
    back = as_alice.patch(f"/api/servers/{server['id']}/", json={"push": {"period": 3600}}).json
    assert back["push"]["period"] == 3600 and back["push"]["cron"] is None
    assert back["push"]["timezone"] == "Europe/Kyiv" and back["push"]["grace"] == 3600


@pytest.mark.parametrize(
    "push, field, message",
    [
        ({"period": 3600, "cron": "* * * * *"}, "cron", "Give either period or cron, not both."),
        ({"grace": 30}, "grace", "Must be between 60 and 31536000."),
        ({"period": 59}, "period", "Must be between 60 and 31536000."),
        ({"cron": "0 0 31 2 *"}, "cron", "Never fires."),
        ({"cron": "61 * * * *"}, "cron", "Bad minute."),
        ({"cron": "0 * * * * *"}, "cron", None),
        ({"timezone": "CET+1"}, "timezone", "Not a valid IANA time zone."),
        ({"max_runtime": 300000}, "max_runtime", "Must be between 60 and 259200."),
        ({"methods": "put"}, "methods", None),
    ],
)
def test_it_refuses_bad_settings(as_alice, push, field, message):
    body = {"name": "backup", "protocol": "push", "push": push}
    response = as_alice.post("/api/servers/", json=body)
    assert response.status_code == 422
    errors = response.json["errors"]["json"]["push"][field]
    assert message is None or errors == [message]


@pytest.mark.parametrize("field, value", [("host", "example.com"), ("port", 80)])
def test_a_push_server_has_no_host_or_port(as_alice, field, value):
    body = {"name": "backup", "protocol": "push", field: value}
    response = as_alice.post("/api/servers/", json=body)
    assert response.status_code == 422
    assert response.json["errors"]["json"][field] == ["Not allowed for protocol 'push'."]


def test_other_kinds_still_need_a_host(as_alice):
    response = as_alice.post("/api/servers/", json={"name": "web", "protocol": "https"})
    assert response.status_code == 422 and "host" in response.json["errors"]["json"]


def test_a_push_block_is_refused_on_other_kinds(as_alice):
    body = {"name": "web", "host": "example.com", "push": {"period": 60}}
    response = as_alice.post("/api/servers/", json=body)
    assert response.status_code == 422
    assert response.json["errors"]["json"]["push"] == ["Not allowed for protocol 'https'."]


def test_rotating_the_token_retires_the_old_one_at_once(as_alice, client, make_push):
    server = make_push()
    old = server["push"]["token"]
    response = as_alice.post(f"/api/servers/{server['id']}/push/rotate-token/")
    assert response.status_code == 200
    new = response.json["token"]
    assert new != old and response.json["ping_url"].endswith(f"/api/push/{new}")
    assert client.get(f"/api/push/{old}").status_code == 404
    assert client.get(f"/api/push/{new}").status_code == 200


def test_only_the_owner_rotates_a_token(as_bob, make_push, make_server):
    server = make_push()
    assert as_bob.post(f"/api/servers/{server['id']}/push/rotate-token/").status_code == 404
    http = make_server()
    assert as_bob.post(f"/api/servers/{http['id']}/push/rotate-token/").status_code == 404
