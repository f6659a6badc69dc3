"""Auth: tokens, refresh, verify, logout, register and me."""

from tests.conftest import PASSWORD


def get_tokens(client, username, password=PASSWORD):
    return client.post("/api/auth/token/", json={"username": username, "password": password})


def test_it_issues_tokens_for_good_credentials(client, alice):
    response = get_tokens(client, "alice")
    assert response.status_code == 200
    assert set(response.json) == {"access", "refresh"}


def test_bad_password_and_unknown_user_get_the_same_401(client, alice):
    wrong = get_tokens(client, "alice", "nope-nope-nope")
    missing = get_tokens(client, "nobody")
    assert wrong.status_code == missing.status_code == 401
    assert wrong.json["message"] == missing.json["message"]


def test_refresh_gives_a_working_access_token(client, alice):
    tokens = get_tokens(client, "alice").json
    response = client.post("/api/auth/token/refresh/", json={"refresh": tokens["refresh"]})
    assert response.status_code == 200
    me = client.get("/api/auth/me/", headers={"Authorization": f"Bearer {response.json['access']}"})
    assert me.json["username"] == "alice"


def test_an_access_token_cannot_be_used_to_refresh(client, alice):
    tokens = get_tokens(client, "alice").json
    response = client.post("/api/auth/token/refresh/", json={"refresh": tokens["access"]})
    assert response.status_code == 401


def test_verify_tells_valid_from_invalid(client, alice):
    tokens = get_tokens(client, "alice").json
    assert client.post("/api/auth/token/verify/", json={"token": tokens["access"]}).json == {}
    bad = client.post("/api/auth/token/verify/", json={"token": "x.y.z"})
    assert bad.status_code == 401 and bad.json["code"] == 401


def test_logout_revokes_access_and_refresh_tokens(client, alice):
    tokens = get_tokens(client, "alice").json
    auth = {"Authorization": f"Bearer {tokens['access']}"}
    out = client.post("/api/auth/logout/", json={"refresh": tokens["refresh"]}, headers=auth)
    assert out.status_code == 204
    assert client.get("/api/auth/me/", headers=auth).status_code == 401
    again = client.post("/api/auth/token/refresh/", json={"refresh": tokens["refresh"]})
    assert again.status_code == 401


def test_the_first_user_to_register_becomes_admin_and_then_registration_closes(client):
    first = client.post("/api/auth/register/", json={"username": "ann", "password": PASSWORD})
    assert first.status_code == 201 and first.json["is_admin"] is True
    assert "password" not in first.json
    second = client.post("/api/auth/register/", json={"username": "ben", "password": PASSWORD})
    assert second.status_code == 403


def test_registration_rejects_short_passwords(client):
    response = client.post("/api/auth/register/", json={"username": "ann", "password": "short"})
    assert response.status_code == 422
    assert "password" in response.json["errors"]["json"]


def test_me_needs_a_token_and_answers_json_401(client):
    response = client.get("/api/auth/me/")
    assert response.status_code == 401
    assert response.json["code"] == 401


def test_a_token_in_the_query_string_is_refused_outside_the_streams(client, alice):
    # API.md: only the SSE and WebSocket routes take ?token= (browsers cannot set headers there).
    access = get_tokens(client, "alice").json["access"]
    for path in ("/api/auth/me/", "/api/servers/", "/api/server-status/"):
        response = client.get(f"{path}?token={access}")
        assert response.status_code == 401 and response.json["code"] == 401, path
    assert (
        client.get("/api/auth/me/", headers={"Authorization": f"Bearer {access}"}).status_code
        == 200
    )


def test_the_bearer_scheme_is_case_insensitive(client, alice):
    access = get_tokens(client, "alice").json["access"]
    for scheme in ("bearer", "BEARER", "BeArEr"):
        response = client.get("/api/auth/me/", headers={"Authorization": f"{scheme} {access}"})
        assert response.status_code == 200, scheme


def test_token_errors_do_not_expose_the_decoder(client, alice):
    access = get_tokens(client, "alice").json["access"]
    head, payload, signature = access.split(".")
    for bad in ("not-a-jwt", f"{head}.{payload}.{signature[::-1]}", f"{head}.{payload}", "a.b.c"):
        response = client.get("/api/auth/me/", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401
        assert response.json["message"] == "Invalid token.", response.json


def test_changing_the_password_revokes_old_tokens(client, as_admin, alice):
    tokens = get_tokens(client, "alice").json
    as_admin.patch(f"/api/users/{alice.id}/", json={"password": "a brand new password"})
    auth = {"Authorization": f"Bearer {tokens['access']}"}
    assert client.get("/api/auth/me/", headers=auth).status_code == 401
    assert get_tokens(client, "alice", "a brand new password").status_code == 200
