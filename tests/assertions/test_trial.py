"""POST /api/servers/test/ and /<id>/test/ (API-NEXT §1.7): one traced check, nothing stored."""

import pytest

from pulseguard import create_app
from tests.conftest import PASSWORD, make_config
from tests.dns_responder import Responder
from tests.targets import Certificates, LocalServer, refused_port

DB_OK = {"type": "json", "path": "db.ok", "operator": "==", "value": True}


def draft(port, **fields):
    return {"name": "try", "protocol": "http", "host": "127.0.0.1", "port": port} | fields


def steps(trace):
    return [step["step"] for step in trace]


def nothing_stored(api):
    assert api.get("/api/servers/").json == []
    assert api.get("/api/ping-results/").json == []


def test_a_draft_is_checked_with_a_trace_of_each_step_and_nothing_is_stored(as_alice, target):
    failing = {"type": "header", "name": "X-Version", "operator": "==", "value": "3"}
    body = draft(target.port, path="/health", assertions=[DB_OK, failing])
    response = as_alice.post("/api/servers/test/", json=body)
    assert response.status_code == 200, response.json
    result, trace = response.json["result"], response.json["trace"]
    assert result["status"] == "failure" and result["status_code"] == 200
    assert result["error_message"] == 'header X-Version == "3": got "2.4.1"'
    assert result["kind"] == "check" and result["server"] is None and "id" not in result
    assert [a["passed"] for a in result["assertions"]] == [True, False]
    assert steps(trace) == ["dns", "connect", "http", "assertion", "assertion"]
    assert trace[0]["detail"] == "127.0.0.1" and trace[0]["ms"] >= 0
    assert trace[1]["detail"] == f"127.0.0.1 port {target.port}"
    assert trace[2]["status"] == 200 and trace[2]["ms"] > 0
    verdict = {k: v for k, v in trace[4].items() if k not in ("step", "index")}
    assert trace[4]["index"] == 1 and verdict == result["assertions"][1]
    nothing_stored(as_alice)


def test_an_https_draft_shows_its_handshake(as_alice, tmp_path):
    certs = Certificates(tmp_path)
    web = LocalServer(certs.server_context(certs.valid))
    try:
        body = draft(web.port, protocol="https", verify_tls=False)
        trace = as_alice.post("/api/servers/test/", json=body).json["trace"]
    finally:
        web.stop()
    assert steps(trace) == ["dns", "connect", "tls", "http"]
    assert trace[2]["detail"].startswith("TLS") and trace[2]["ms"] > 0
    cert = trace[2]["cert"]  # the certificate of this very handshake, as ServerStatus shows it
    assert cert["sans"] == ["127.0.0.1"] and cert["chain_valid"] is None
    assert cert["not_after"] == certs.valid_until.isoformat() and cert["days_remaining"] >= 89


def test_an_untrusted_certificate_fails_at_the_tls_step(as_alice, tmp_path):
    certs = Certificates(tmp_path)
    web = LocalServer(certs.server_context(certs.valid))  # its CA is not in the bundle
    try:
        response = as_alice.post("/api/servers/test/", json=draft(web.port, protocol="https"))
    finally:
        web.stop()
    assert response.json["result"]["status"] == "error"
    assert response.json["result"]["error_message"].startswith("TLS error")
    trace = response.json["trace"]
    assert steps(trace)[:3] == ["dns", "connect", "tls"] and "certificate" in trace[2]["error"]
    # then a separate handshake, verifying nothing, reads the refused certificate (§1.6)
    separate = trace[-1]
    assert separate["step"] == "tls" and "separate handshake" in separate["detail"]
    assert separate["cert"]["sans"] == ["127.0.0.1"] and separate["cert"]["issuer"]
    assert response.json["result"]["error_message"].startswith("TLS error")


def test_a_refused_connection_stops_at_the_connect_step(as_alice):
    response = as_alice.post("/api/servers/test/", json=draft(refused_port()))
    assert response.json["result"]["status"] == "error"
    assert response.json["result"]["error_message"] == "Connection refused"
    assert steps(response.json["trace"]) == ["dns", "connect"]
    assert response.json["trace"][1]["error"] == "Connection refused"


def test_a_slow_answer_times_out_at_the_http_step(as_alice, target):
    body = draft(target.port, path="/slow/3000", timeout=0.5)
    response = as_alice.post("/api/servers/test/", json=body).json
    assert response["result"]["status"] == "timeout"
    assert steps(response["trace"]) == ["dns", "connect", "http"]
    assert response["trace"][2]["error"] == "Timed out after 0.5s"


def test_an_unknown_name_fails_at_the_dns_step(as_alice):
    response = as_alice.post("/api/servers/test/", json=draft(80, host="no-such-host.invalid")).json
    assert response["result"]["error_message"] == "DNS lookup failed"
    assert response["trace"] == [
        {"step": "dns", "ms": response["trace"][0]["ms"], "host": "no-such-host.invalid",
         "error": "DNS lookup failed"}
    ]  # fmt: skip


def test_tcp_and_dns_drafts_have_their_own_steps(as_alice, target):
    tcp = as_alice.post("/api/servers/test/", json=draft(target.port, protocol="tcp")).json
    assert tcp["result"]["status"] == "success" and steps(tcp["trace"]) == ["dns", "connect"]
    responder = Responder({("www.example.test", "A"): ["192.0.2.10"]})
    try:
        dns = {"resolvers": [responder.address], "expected": ["192.0.2.11"]}
        body = {"name": "d", "protocol": "dns", "host": "www.example.test", "dns": dns}
        answer = as_alice.post("/api/servers/test/", json=body).json
    finally:
        responder.stop()
    assert answer["result"]["status"] == "failure"
    assert answer["result"]["details"]["answers"] == ["192.0.2.10"]
    assert steps(answer["trace"]) == ["dns"]
    assert answer["trace"][0]["detail"]["answers"] == ["192.0.2.10"]
    assert answer["trace"][0]["error"] == answer["result"]["error_message"]


def test_a_push_draft_is_not_probed(as_alice):
    answer = as_alice.post("/api/servers/test/", json={"name": "cron", "protocol": "push"}).json
    assert answer["result"] is None
    assert answer["trace"][0]["step"] == "push" and "never probed" in answer["trace"][0]["detail"]
    nothing_stored(as_alice)


def test_a_draft_is_validated_like_a_new_server(as_alice):
    bad = draft(80, assertions=[{"type": "json", "path": "a[?b>", "operator": "exists"}])
    response = as_alice.post("/api/servers/test/", json=bad)
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {
        "assertions": {"0": {"path": ["Invalid JMESPath: Incomplete expression"]}}
    }
    assert as_alice.post("/api/servers/test/", json={"protocol": "http"}).status_code == 422
    nothing_stored(as_alice)


def test_a_saved_server_is_tested_by_its_owner_only_and_keeps_its_history(
    as_alice, as_bob, make_server, target
):
    server = make_server(port=target.port, path="/health", assertions=[DB_OK], status="paused")
    url = f"/api/servers/{server['id']}/test/"
    assert as_bob.post(url).status_code == 404
    assert as_bob.post("/api/servers/999999/test/").status_code == 404
    answer = as_alice.post(url)
    assert answer.status_code == 200, answer.json
    assert answer.json["result"]["status"] == "success"
    assert answer.json["result"]["server"] == server["id"]
    assert steps(answer.json["trace"]) == ["dns", "connect", "http", "assertion"]
    assert as_alice.get(f"/api/ping-results/?server_id={server['id']}").json == []
    [status] = as_alice.get(f"/api/server-status/?server_id={server['id']}").json
    assert status["last_check"] is None


@pytest.fixture
def other_app(database_url):
    def make(**overrides):
        return create_app(make_config(database_url, **overrides)).test_client()

    return make


def headers_of(client, user):
    body = {"username": user.username, "password": PASSWORD}
    return {"Authorization": f"Bearer {client.post('/api/auth/token/', json=body).json['access']}"}


def test_the_guard_applies_to_what_a_name_resolves_to(other_app, alice, target):
    client = other_app(TARGET_DENY_NETWORKS="default,loopback")
    headers = headers_of(client, alice)
    literal = client.post("/api/servers/test/", json=draft(target.port), headers=headers)
    assert literal.status_code == 422 and "host" in literal.json["errors"]["json"]
    named = client.post(
        "/api/servers/test/", json=draft(target.port, host="localhost"), headers=headers
    )
    assert named.status_code == 200
    assert named.json["result"]["status"] == "error"
    assert named.json["result"]["error_message"].startswith("Blocked: ")
    assert steps(named.json["trace"]) == ["dns"]
    assert named.json["trace"][0]["error"].startswith("Blocked: ")


def test_test_runs_are_limited_per_user(other_app, alice, bob, target):
    client = other_app(RATELIMIT_ENABLED=True, RATE_LIMIT_SERVER_TEST="2 per minute")
    as_alice, as_bob = headers_of(client, alice), headers_of(client, bob)
    body = draft(target.port, protocol="tcp")
    codes = [
        client.post("/api/servers/test/", json=body, headers=as_alice).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    refused = client.post("/api/servers/test/", json=body, headers=as_alice)
    assert int(refused.headers["Retry-After"]) > 0 and "test runs" in refused.json["message"]
    assert client.post("/api/servers/test/", json=body, headers=as_bob).status_code == 200
