"""The delivery history and the test-send route over HTTP: outcomes, ownership, errors."""

import pytest

from pulseguard.notify.delivery import deliver


@pytest.fixture
def history(embedded, server, change, add_config, webhook):
    """Alice's server with one delivered failure and one permanently failed one."""
    good = add_config(server["id"], "webhook", webhook.url + "/good")
    bad = add_config(server["id"], "webhook", webhook.url + "/bad")
    cid = change(server["id"], "up", "down")
    webhook.answers = [(200, "{}"), (404, "no such hook")]
    with embedded.app_context():
        assert deliver(good, cid, "failure") == "sent"
        assert deliver(bad, cid, "failure") == "failed"
    return {"good": good, "bad": bad, "change": cid, "server": server["id"]}


def test_it_lists_delivery_attempts_newest_first(as_alice, history):
    response = as_alice.get("/api/notification-deliveries/")
    assert response.status_code == 200
    rows = response.json
    assert [(r["config"], r["outcome"]) for r in rows] == [
        (history["bad"], "failed"),
        (history["good"], "sent"),
    ]
    first = rows[0]
    assert first["server"] == history["server"] and first["status_change"] == history["change"]
    assert first["event"] == "failure" and first["attempt"] == 1
    assert "HTTP 404" in first["error"]
    assert '"total": 2' in response.headers["X-Pagination"]


def test_it_filters_by_config_server_and_outcome(as_alice, history):
    by_config = as_alice.get(f"/api/notification-deliveries/?config_id={history['good']}").json
    assert [r["config"] for r in by_config] == [history["good"]]
    by_server = as_alice.get(f"/api/notification-deliveries/?server_id={history['server']}").json
    assert len(by_server) == 2
    failed = as_alice.get("/api/notification-deliveries/?outcome=failed").json
    assert [r["config"] for r in failed] == [history["bad"]]
    assert as_alice.get("/api/notification-deliveries/?config_id=x").status_code == 422
    assert as_alice.get("/api/notification-deliveries/?outcome=maybe").status_code == 422


def test_it_paginates(as_alice, history):
    response = as_alice.get("/api/notification-deliveries/?page=2&page_size=1")
    assert response.status_code == 200 and [r["config"] for r in response.json] == [history["good"]]


def test_it_hides_other_users_deliveries(as_bob, as_admin, history):
    assert as_bob.get("/api/notification-deliveries/").json == []
    assert as_bob.get(f"/api/notification-deliveries/?server_id={history['server']}").json == []
    one = as_admin.get("/api/notification-deliveries/").json[0]["id"]
    assert as_bob.get(f"/api/notification-deliveries/{one}/").status_code == 404
    assert as_admin.get(f"/api/notification-deliveries/{one}/").status_code == 200


def test_deliveries_are_read_only_and_need_a_login(client, as_alice, history):
    assert client.get("/api/notification-deliveries/").status_code == 401
    assert as_alice.post("/api/notification-deliveries/", json={}).status_code == 405


def test_a_test_send_answers_its_result_and_records_the_attempt(
    as_alice, embedded, server, add_config, webhook
):
    hook = add_config(server["id"], "webhook", webhook.url, enabled=False)
    response = as_alice.post(f"/api/notification-configs/{hook}/test/")
    assert response.status_code == 200, response.json
    assert response.json["ok"] is True and response.json["status"] == "success"
    assert response.json["error"] is None and response.json["duration_ms"] >= 0
    assert webhook.json()["event"] == "test" and webhook.json()["server"]["name"] == "web"
    listed = as_alice.get(f"/api/notification-deliveries/?config_id={hook}").json
    assert [r["id"] for r in listed] == [response.json["delivery"]]
    assert listed[0]["event"] == "test" and listed[0]["status_change"] is None
    assert listed[0]["status"] == "success" and listed[0]["duration_ms"] >= 0


def test_a_failed_test_send_answers_ok_false_with_the_error(
    as_alice, embedded, server, add_config, smtp
):
    mail = add_config(server["id"], "email", "reject@example.test")
    response = as_alice.post(f"/api/notification-configs/{mail}/test/")
    assert response.status_code == 200
    assert response.json["ok"] is False and response.json["status"] == "failure"
    assert "550" in response.json["error"]


def test_a_test_send_to_an_unconfigured_channel_is_an_error_not_a_500(
    as_alice, embedded, app, server, add_config, monkeypatch
):
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", None)
    sms = add_config(server["id"], "sms", "+15557654321")
    response = as_alice.post(f"/api/notification-configs/{sms}/test/")
    assert response.status_code == 200 and "TWILIO_ACCOUNT_SID" in response.json["error"]
    assert response.json["ok"] is False


def test_a_test_send_to_someone_elses_config_is_404(as_bob, server, add_config, webhook):
    hook = add_config(server["id"], "webhook", webhook.url)
    assert as_bob.post(f"/api/notification-configs/{hook}/test/").status_code == 404
    assert as_bob.post("/api/notification-configs/999999/test/").status_code == 404
    assert webhook.requests == []


def test_the_openapi_document_describes_the_test_routes(client):
    spec = client.get("/api/openapi.json").json
    post = spec["paths"]["/api/notification-configs/{config_id}/test/"]["post"]
    assert {"200", "404"} <= set(post["responses"])
    assert "/api/notification-configs/test/" in spec["paths"]
    assert "/api/notification-configs/{config_id}/deliveries/" in spec["paths"]
    assert "/api/notification-deliveries/" in spec["paths"]
