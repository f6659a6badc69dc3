"""Configs of the Apprise-backed types over HTTP: recipients checked on save, secrets kept."""

import pytest

SLACK = "https://hooks.slack.com/services/T1234ABCD/B1234ABCD/abcdefghijklmnopqrstuvwx"
DISCORD = "https://discord.com/api/webhooks/123456789/abcdefghijklmnopTOKEN"
TELEGRAM = "123456789:ABCdefGhIJKlmnoPQRsTUVwxyZ/-1001234567890"
TEAMS = (
    "https://prod-12.westus.logic.azure.com:443/workflows/abc123/triggers/manual/paths/invoke"
    "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIGNATURE12"
)


def create(client, server, notification_type, recipient, **fields):
    body = {"server": server, "notification_type": notification_type, "recipient": recipient}
    return client.post("/api/notification-configs/", json=body | fields)


@pytest.mark.parametrize(
    "notification_type, recipient, options",
    [
        ("slack", SLACK, {}),
        ("slack", "slack://T1234ABCD/B1234ABCD/abcdefghijklmnopqrstuvwx", {}),
        ("discord", DISCORD, {}),
        ("telegram", TELEGRAM, {"silent": True}),
        ("teams", TEAMS, {}),
        ("pagerduty", "R0UT1NGKEY0123456789abcdef012345", {"api_key": "u+apikey1234"}),
        ("ntfy", "https://ntfy.sh/pulseguard-alerts", {"priority": 4}),
        ("ntfy", "https://ntfy.example.com/alerts", {}),
        ("apprise", "json://127.0.0.1:9/hook", {}),
        ("apprise", "gotifys://gotify.example.com/AbCdEf123456", {}),
    ],
)
def test_each_type_accepts_its_recipients(as_alice, server, notification_type, recipient, options):
    response = create(as_alice, server["id"], notification_type, recipient, options=options)
    assert response.status_code == 201, response.json
    assert response.json["notification_type"] == notification_type
    assert response.json["recipient_masked"] is True


@pytest.mark.parametrize(
    "notification_type, recipient, field, message",
    [
        ("slack", "https://hooks.slack.com/other/T1/B1/x", "recipient", "Slack"),
        ("slack", "slack://onlyonetoken", "recipient", "Not a valid slack URL"),
        ("discord", "discord://", "recipient", "Not a valid discord URL"),
        ("telegram", "tgram://notatoken/123", "recipient", "Not a valid telegram URL"),
        ("telegram", "notatoken/123", "recipient", "bot_token"),
        ("teams", "https://acme.webhook.office.com/webhookb2/x", "recipient", "retired"),
        ("pagerduty", "R0UT1NGKEY0123456789abcdef012345", "options", "Required"),
        ("apprise", "notaschema://x", "recipient", "Not a valid Apprise URL"),
        ("apprise", "https://example.com/hook", "recipient", "use type 'webhook'"),
        ("apprise", "syslog://", "recipient", "Scheme 'syslog' is not allowed"),
        ("apprise", "dbus://", "recipient", "Scheme 'dbus' is not allowed"),
        ("ntfy", "ntfy.sh/topic", "recipient", "ntfy"),
    ],
)
def test_bad_recipients_get_a_422_that_says_why(
    as_alice, server, notification_type, recipient, field, message
):
    response = create(as_alice, server["id"], notification_type, recipient)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"][field]
    text = errors["api_key"][0] if field == "options" else errors[0]
    assert message in text
    assert as_alice.get("/api/notification-configs/").json == []


def test_an_empty_recipient_and_a_bad_reminder_interval_get_422(as_alice, server):
    empty = create(as_alice, server["id"], "apprise", "")
    assert "recipient" in empty.json["errors"]["json"]
    bad = create(as_alice, server["id"], "slack", SLACK, reminder_interval=2)
    assert "reminder_interval" in bad.json["errors"]["json"]
    unknown = create(as_alice, server["id"], "slack", SLACK, events=["down", "up", "nope"])
    assert list(unknown.json["errors"]["json"]["events"]) == ["1", "2"]


def test_admins_may_write_to_the_hosts_syslog(as_admin, make_server):
    server = make_server(api=as_admin, name="admin-web")
    assert create(as_admin, server["id"], "apprise", "syslog://").status_code == 201


def test_the_operator_allow_list_limits_the_schemes(as_alice, server, app, monkeypatch):
    monkeypatch.setitem(app.config, "APPRISE_ALLOWED_SCHEMES", "slack,ntfy,ntfys")
    assert create(as_alice, server["id"], "slack", SLACK).status_code == 201
    refused = create(as_alice, server["id"], "discord", DISCORD)
    assert refused.status_code == 422
    assert refused.json["errors"]["json"]["recipient"] == ["Scheme 'discord' is not allowed"]


def test_secrets_are_masked_and_a_round_trip_keeps_them(as_alice, server, app):
    made = create(
        as_alice, server["id"], "pagerduty", "R0UT1NGKEY0123456789abcdef012345",
        options={"api_key": "u+apikey1234", "severity": "critical"}, name="on call",
    ).json  # fmt: skip
    assert made["recipient"] == "…2345" and made["secret_set"] is True
    assert made["options"] == {"severity": "critical"}
    got = as_alice.get(f"/api/notification-configs/{made['id']}/").json
    assert "R0UT1NGKEY" not in str(got) and "apikey" not in str(got)
    body = {k: got[k] for k in ("server", "notification_type", "recipient", "options", "name")}
    assert as_alice.put(f"/api/notification-configs/{made['id']}/", json=body).status_code == 200
    patched = as_alice.patch(f"/api/notification-configs/{made['id']}/", json=got | {"id": None})
    assert patched.status_code == 422  # id is read-only: the echo of a whole answer is refused
    patch = {"recipient": got["recipient"], "options": got["options"], "name": "pager"}
    assert as_alice.patch(f"/api/notification-configs/{made['id']}/", json=patch).status_code == 200
    with app.app_context():
        from pulseguard.extensions import db
        from pulseguard.models import NotificationConfig

        stored = db.session.get(NotificationConfig, made["id"])
        assert stored.recipient == "R0UT1NGKEY0123456789abcdef012345"
        assert stored.options == {"severity": "critical", "api_key": "u+apikey1234"}
        assert stored.name == "pager"


def test_a_webhook_secret_is_write_only(as_alice, server):
    made = create(
        as_alice, server["id"], "webhook", "https://hooks.example.com/pulse/abcdef",
        secret="hmac-key",
    ).json  # fmt: skip
    assert "secret" not in made and made["secret_set"] is True
    assert made["recipient"] == "https://hooks.example.com/…cdef"
    cleared = as_alice.patch(f"/api/notification-configs/{made['id']}/", json={"secret": None})
    assert cleared.json["secret_set"] is False
    wrong = create(as_alice, server["id"], "slack", SLACK, secret="x")
    assert wrong.json["errors"]["json"]["secret"] == ["Only webhooks are signed."]


def test_events_and_their_aliases_stay_in_step(as_alice, server):
    made = create(as_alice, server["id"], "slack", SLACK).json
    assert made["events"] == ["down", "recovery"]
    assert made["notify_on_failure"] and made["notify_on_recovery"]
    url = f"/api/notification-configs/{made['id']}/"
    off = as_alice.patch(url, json={"notify_on_recovery": False}).json
    assert off["events"] == ["down"] and off["notify_on_recovery"] is False
    more = as_alice.patch(url, json={"events": ["down", "degraded", "recovery"]}).json
    assert more["notify_on_recovery"] is True and more["events"][1] == "degraded"


def test_owner_wide_configs_belong_to_their_owner(as_alice, as_bob, server):
    made = create(as_alice, None, "slack", SLACK, tags=["prod"])
    assert made.status_code == 201, made.json
    assert made.json["server"] is None and made.json["tags"] == ["prod"]
    config = made.json["id"]
    assert [c["id"] for c in as_alice.get("/api/notification-configs/").json] == [config]
    assert as_bob.get("/api/notification-configs/").json == []
    assert as_bob.get(f"/api/notification-configs/{config}/").status_code == 404
    assert as_bob.patch(f"/api/notification-configs/{config}/", json={}).status_code == 404
    assert as_bob.post(f"/api/notification-configs/{config}/test/").status_code == 404
    assert as_bob.get(f"/api/notification-configs/{config}/deliveries/").status_code == 404
    tagged = create(as_alice, server["id"], "slack", SLACK, tags=["prod"])
    assert tagged.json["errors"]["json"]["tags"] == [
        "Only for configs that cover every server (server: null)."
    ]


def test_a_config_for_another_users_server_is_404(as_bob, server):
    assert create(as_bob, server["id"], "slack", SLACK).status_code == 404


def test_test_sends_are_limited_per_user(database_url, alice, bob):
    from pulseguard import create_app
    from tests.conftest import PASSWORD, make_config

    app = create_app(
        make_config(database_url, RATELIMIT_ENABLED=True, RATE_LIMIT_NOTIFY_TEST="2 per minute")
    )
    client = app.test_client()

    def headers(user):
        body = {"username": user.username, "password": PASSWORD}
        token = client.post("/api/auth/token/", json=body).json["access"]
        return {"Authorization": f"Bearer {token}"}

    draft = {"server": None, "notification_type": "apprise", "recipient": "json://127.0.0.1:9/x"}
    as_alice, as_bob = headers(alice), headers(bob)
    codes = [
        client.post("/api/notification-configs/test/", json=draft, headers=as_alice).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    refused = client.post("/api/notification-configs/test/", json=draft, headers=as_alice)
    assert int(refused.headers["Retry-After"]) > 0 and "test sends" in refused.json["message"]
    bobs = client.post("/api/notification-configs/test/", json=draft, headers=as_bob)
    assert bobs.status_code == 200  # each user has their own count
