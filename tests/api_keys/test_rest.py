"""API keys on the REST API: how they are sent, every bad key, each scope, and ownership."""

from datetime import timedelta

import pytest

from pulseguard.models.types import utcnow
from tests.api_keys.conftest import INVALID


@pytest.fixture
def alices_server(make_server):
    return make_server(name="alice-web")


@pytest.mark.parametrize("bearer", [False, True])
def test_a_key_works_as_x_api_key_or_as_a_bearer_token(make_key, key_client, alices_server, bearer):
    response = key_client(make_key(), bearer=bearer).get("/api/servers/")
    assert response.status_code == 200 and [s["id"] for s in response.json] == [alices_server["id"]]


def test_every_bad_key_gets_the_same_401(make_key, key_client, as_alice, age_key):
    good = make_key()
    revoked = make_key()
    as_alice.delete(f"/api/auth/api-keys/{revoked['id']}/")
    expired = make_key(expires_at=(utcnow() + timedelta(days=1)).isoformat())
    age_key(expired, expires_at=1)
    wrong_secret = good["key"][:-1] + ("A" if good["key"][-1] != "A" else "B")
    unknown_id = "pgk_ZZZZZZZZ" + good["key"][12:]
    for bad in ("nonsense", "pgk_", good["key"] + "x", wrong_secret, unknown_id, revoked, expired):
        for bearer in (False, True):
            if bearer and not str(bad if isinstance(bad, str) else bad["key"]).startswith("pgk_"):
                continue  # "Bearer nonsense" is a (bad) JWT, with JWT's own 401
            response = key_client(bad, bearer=bearer).get("/api/servers/")
            assert response.status_code == 401, bad
            assert response.json["message"] == INVALID
    assert key_client(good).get("/api/servers/").status_code == 200


def test_keys_are_never_read_from_a_query_string(client, make_key):
    key = make_key()["key"]
    as_token = client.get(f"/api/servers/?token={key}")
    assert (
        as_token.status_code == 401
        and "never accepted in a query string" in as_token.json["message"]
    )
    assert client.get(f"/api/servers/?api_key={key}").status_code == 401


def test_a_jwt_and_a_key_together_get_401(as_alice, make_key):
    key = make_key()["key"]
    response = as_alice.get("/api/servers/", headers={"X-API-Key": key})
    assert (
        response.status_code == 401 and response.json["message"] == "Send one credential, not two"
    )


def test_a_read_key_reads_and_changes_nothing(make_key, key_client, alices_server):
    reader = key_client(make_key(scopes=["read"]))
    server_url = f"/api/servers/{alices_server['id']}/"
    assert reader.get(server_url).status_code == 200
    assert reader.get("/api/server-status/").status_code == 200
    assert reader.get("/api/auth/me/").json["username"] == "alice"
    for method, url in (
        ("POST", "/api/servers/"),
        ("PATCH", server_url),
        ("PUT", server_url),
        ("DELETE", server_url),
        ("POST", "/api/notification-configs/"),
    ):
        response = reader.request(method, url, json={"name": "x"})
        assert response.status_code == 403, (method, url)
        assert response.json["message"] == "This API key lacks the 'write' scope."
    assert reader.get(server_url).json["name"] == "alice-web"


def test_a_write_key_changes_its_users_servers(make_key, key_client, alices_server):
    writer = key_client(make_key(scopes=["write"]))
    created = writer.post("/api/servers/", json={"name": "ci", "host": "127.0.0.1", "port": 81})
    assert created.status_code == 201 and created.json["owner"] == alices_server["owner"]
    url = f"/api/servers/{alices_server['id']}/"
    assert writer.patch(url, json={"name": "renamed"}).json["name"] == "renamed"
    assert writer.get(url).status_code == 200  # write implies read
    assert writer.delete(url).status_code == 204


def test_a_push_key_reaches_nothing_but_push_urls(make_key, key_client, alices_server):
    pusher = key_client(make_key(scopes=["push"]))
    for url in ("/api/servers/", f"/api/servers/{alices_server['id']}/", "/api/auth/me/"):
        response = pusher.get(url)
        assert response.status_code == 403
        assert response.json["message"] == "This API key lacks the 'read' scope."
    assert pusher.post("/api/servers/", json={}).status_code == 403


def test_bobs_keys_never_reach_alices_objects(as_bob, make_key, key_client, alices_server):
    bob = key_client(make_key(as_bob, scopes=["read", "write"]))
    url = f"/api/servers/{alices_server['id']}/"
    assert bob.get("/api/servers/").json == []
    assert bob.get(url).status_code == 404
    assert bob.patch(url, json={"name": "mine"}).status_code == 404
    assert bob.delete(url).status_code == 404
    assert bob.get(f"/api/server-status/?server_id={alices_server['id']}").json == []
    config = {"server": alices_server["id"], "notification_type": "email", "recipient": "b@x.io"}
    assert bob.post("/api/notification-configs/", json=config).status_code == 404


def test_an_admins_key_acts_as_admin_only_with_the_admin_scope(
    as_admin, make_key, key_client, alices_server
):
    plain = key_client(make_key(as_admin, scopes=["read", "write"]))
    admin = key_client(make_key(as_admin, scopes=["read", "write", "admin"]))
    assert plain.get("/api/servers/").json == []  # the admin's own servers only
    assert [s["id"] for s in admin.get("/api/servers/").json] == [alices_server["id"]]
    refused = plain.post("/api/checks/run/", json={})
    assert refused.status_code == 403
    assert refused.json["message"] == "This API key lacks the 'admin' scope."
    assert admin.post("/api/checks/run/", json={}).status_code == 202


def test_an_admin_scope_alone_does_not_write(as_admin, make_key, key_client):
    admin_only = key_client(make_key(as_admin, scopes=["admin"]))
    assert admin_only.post("/api/checks/run/", json={}).status_code == 403


def test_a_non_admins_key_never_reaches_admin_routes(make_key, key_client):
    writer = key_client(make_key(scopes=["read", "write"]))
    response = writer.post("/api/checks/run/", json={})
    assert response.status_code == 403
    assert response.json["message"] == "Only administrators may do this."


def test_public_routes_ignore_a_stray_key(client):
    response = client.get("/api/", headers={"X-API-Key": "pgk_nonsense"})
    assert response.status_code == 200 and "api-keys" in response.json
