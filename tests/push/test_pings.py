"""Pings: each event over GET, HEAD and POST, recorded as results through the one recording path."""

import uuid

import pytest


def token_of(server):
    return server["push"]["token"]


def test_a_success_ping_turns_a_new_server_up(client, make_push, status_of, results_of):
    server = make_push()
    response = client.get(f"/api/push/{token_of(server)}")
    assert response.status_code == 200 and response.json == {"ok": True, "status": "up"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Ping-Body-Limit"] == "10000"
    assert status_of(server["id"])["status"] == "up"
    [result] = results_of(server["id"])
    assert result["kind"] == "success" and result["status"] == "success"
    assert result["details"]["method"] == "GET"


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_every_route_answers_get_head_and_post(client, make_push, method):
    token = token_of(make_push())
    for path in ("", "/start", "/fail", "/log", "/0", "/3"):
        response = client.request(method, f"/api/push/{token}{path}")
        assert response.status_code == 200, (method, path)
    assert client.request(method, f"/api/push/{token}/").status_code == 200


def test_other_methods_get_405(client, make_push):
    token = token_of(make_push())
    assert client.request("PUT", f"/api/push/{token}").status_code == 405
    assert client.request("DELETE", f"/api/push/{token}/fail").status_code == 405


def test_unknown_tokens_and_events_get_the_same_404(client, make_push, as_alice):
    server = make_push()
    bodies = [
        client.get("/api/push/NoSuchTokenNoSuchToken00"),
        client.get(f"/api/push/{token_of(server)}/foo"),
        client.get(f"/api/push/{token_of(server)}/start/more"),
    ]
    as_alice.delete(f"/api/servers/{server['id']}/")
    bodies.append(client.get(f"/api/push/{token_of(server)}"))
    assert [r.status_code for r in bodies] == [404] * 4
    assert bodies[0].json == {"code": 404, "status": "Not Found", "message": "Not found"}
    assert all(r.json == bodies[0].json for r in bodies)


def test_a_push_token_is_no_url_of_another_kind(client, make_server):
    assert client.get(f"/api/push/{make_server()['id']}").status_code == 404


def test_a_fail_ping_turns_the_server_down_with_the_exit_code(
    client, make_push, status_of, results_of
):
    server = make_push()
    token = token_of(server)
    client.get(f"/api/push/{token}")
    assert client.get(f"/api/push/{token}/3").json == {"ok": True, "status": "down"}
    status = status_of(server["id"])
    assert status["status"] == "down" and status["message"] == "Job failed (exit 3)"
    result = results_of(server["id"])[-1]
    assert result["kind"] == "fail" and result["status"] == "failure"
    assert result["details"]["exit_code"] == 3
    assert client.get(f"/api/push/{token}/fail").json["status"] == "down"
    assert status_of(server["id"])["message"] == "Job reported failure"
    assert client.get(f"/api/push/{token}/0").json["status"] == "up"


def test_failure_threshold_counts_consecutive_fail_pings(as_alice, client, make_push, status_of):
    server = make_push()
    as_alice.patch(f"/api/servers/{server['id']}/", json={"failure_threshold": 2})
    token = token_of(server)
    client.get(f"/api/push/{token}")
    assert client.get(f"/api/push/{token}/fail").json["status"] == "up"
    assert client.get(f"/api/push/{token}/fail").json["status"] == "down"


def test_start_and_log_leave_the_status_as_it_is(client, make_push, status_of, results_of):
    server = make_push()
    token = token_of(server)
    assert client.get(f"/api/push/{token}/start").json["status"] == "unknown"
    assert client.get(f"/api/push/{token}/log?msg=hello").json["status"] == "unknown"
    assert [r["kind"] for r in results_of(server["id"])] == ["start", "log"]
    assert results_of(server["id"])[1]["details"]["msg"] == "hello"
    client.get(f"/api/push/{token}/fail")
    assert client.get(f"/api/push/{token}/start").json["status"] == "down"
    assert status_of(server["id"])["message"] == "Job reported failure"


def test_start_then_success_measures_the_run(as_alice, client, make_push, results_of):
    server = make_push()
    token = token_of(server)
    client.get(f"/api/push/{token}/start")
    running = as_alice.get(f"/api/servers/{server['id']}/").json["push"]
    assert running["running"] is True and running["started_at"] is not None
    client.get(f"/api/push/{token}")
    push = as_alice.get(f"/api/servers/{server['id']}/").json["push"]
    assert push["running"] is False and push["last_duration_ms"] >= 0
    assert results_of(server["id"])[-1]["response_time"] == push["last_duration_ms"]
    assert push["last_ping_at"] is not None and push["next_expected_at"] > push["last_ping_at"]


def test_rid_pairs_each_start_with_its_own_end(as_alice, client, make_push):
    server = make_push()
    token = token_of(server)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    client.get(f"/api/push/{token}/start?rid={first}")
    client.get(f"/api/push/{token}/start?rid={second}")
    client.get(f"/api/push/{token}?rid={first}")
    assert as_alice.get(f"/api/servers/{server['id']}/").json["push"]["running"] is True
    client.get(f"/api/push/{token}?rid={str(uuid.uuid4())}")  # matches no start
    assert as_alice.get(f"/api/servers/{server['id']}/").json["push"]["running"] is True
    client.get(f"/api/push/{token}/fail?rid={second}")
    assert as_alice.get(f"/api/servers/{server['id']}/").json["push"]["running"] is False


def test_a_duration_the_client_measured_wins(client, make_push, results_of, as_alice):
    server = make_push()
    token = token_of(server)
    client.get(f"/api/push/{token}/start")
    client.get(f"/api/push/{token}?duration_ms=1234.5")
    assert results_of(server["id"])[-1]["response_time"] == 1234.5
    push = as_alice.get(f"/api/servers/{server['id']}/").json["push"]
    assert push["last_duration_ms"] == 1234.5


def test_a_slow_run_is_degraded(as_alice, client, make_push):
    server = make_push()
    as_alice.patch(f"/api/servers/{server['id']}/", json={"degraded_threshold_ms": 1000})
    assert client.get(f"/api/push/{token_of(server)}?duration_ms=5000").json["status"] == (
        "degraded"
    )


def test_uptime_kumas_push_urls_work_unchanged(client, make_push, status_of, results_of):
    server = make_push()
    token = token_of(server)
    assert client.get(f"/api/push/{token}?status=up&msg=OK&ping=").json["status"] == "up"
    assert client.get(f"/api/push/{token}?status=down&msg=disk+full&ping=12.5").json == {
        "ok": True,
        "status": "down",
    }
    result = results_of(server["id"])[-1]
    assert result["kind"] == "fail" and result["response_time"] == 12.5
    assert status_of(server["id"])["message"] == "Job reported failure: disk full"


def test_a_post_body_is_kept_up_to_the_limit(app, client, make_push, results_of, monkeypatch):
    monkeypatch.setitem(app.config, "PUSH_BODY_LIMIT", 10)
    server = make_push()
    response = client.post(f"/api/push/{token_of(server)}/log", data="héllo world, long".encode())
    assert response.headers["Ping-Body-Limit"] == "10"
    body = results_of(server["id"])[-1]["details"]["body"]
    assert body.startswith("héllo wor") and len(body.encode()) <= 12


def test_a_long_msg_is_cut_silently(client, make_push, results_of):
    server = make_push()
    assert client.get(f"/api/push/{token_of(server)}/log?msg={'x' * 700}").status_code == 200
    assert results_of(server["id"])[-1]["details"]["msg"] == "x" * 500


@pytest.mark.parametrize(
    "path, where, field",
    [
        ("?rid=not-a-uuid", "query", "rid"),
        ("?duration_ms=-1", "query", "duration_ms"),
        ("?duration_ms=604800001", "query", "duration_ms"),
        ("?status=sideways", "query", "status"),
        ("/256", "path", "exit_code"),
    ],
)
def test_it_refuses_bad_pings(client, make_push, results_of, path, where, field):
    server = make_push()
    response = client.get(f"/api/push/{token_of(server)}{path}")
    assert response.status_code == 422
    assert field in response.json["errors"][where]
    assert results_of(server["id"]) == []


def test_get_pings_are_ignored_when_only_post_counts(client, make_push, status_of, results_of):
    server = make_push(methods="post")
    token = token_of(server)
    assert client.get(f"/api/push/{token}/fail").json["status"] == "unknown"
    assert client.post(f"/api/push/{token}").json["status"] == "up"
    first, second = results_of(server["id"])
    assert first["details"]["ignored"] is True and "ignored" not in second["details"]


def test_a_ping_resumes_a_paused_server(as_alice, client, make_push):
    server = make_push()
    as_alice.patch(f"/api/servers/{server['id']}/", json={"status": "paused"})
    assert client.get(f"/api/push/{token_of(server)}").json["status"] == "up"
    assert as_alice.get(f"/api/servers/{server['id']}/").json["status"] == "active"


def test_a_paused_server_can_ignore_pings(as_alice, client, make_push):
    server = make_push(resume_on_ping=False)
    as_alice.patch(f"/api/servers/{server['id']}/", json={"status": "paused"})
    answer = client.get(f"/api/push/{token_of(server)}").json
    assert answer == {"ok": True, "ignored": "paused"}
    assert as_alice.get(f"/api/servers/{server['id']}/").json["status"] == "paused"


def test_pings_need_no_credential_and_ignore_one(as_bob, make_push):
    assert as_bob.get(f"/api/push/{token_of(make_push())}").json["status"] == "up"


def test_a_ping_that_resumes_starts_afresh_like_a_rest_resume(as_alice, client, make_push):
    server = make_push()
    token = token_of(server)
    assert client.get(f"/api/push/{token}/fail").json["status"] == "down"
    as_alice.patch(f"/api/servers/{server['id']}/", json={"status": "paused"})
    assert client.get(f"/api/push/{token}/fail").json["status"] == "down"
    changes = as_alice.get(f"/api/status-changes/?server_id={server['id']}").json
    assert [(c["old_status"], c["new_status"]) for c in changes][0] == ("unknown", "down")
    incidents = as_alice.get(f"/api/servers/{server['id']}/incidents/").json
    assert [(i["state"], i.get("end_reason")) for i in incidents] == [
        ("open", None),
        ("resolved", "paused"),
    ]
