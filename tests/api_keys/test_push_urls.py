"""Slug push URLs: /api/push/k/<push key>/<server key> and /api/push/key/<server key>."""

import pytest

from tests.api_keys.conftest import INVALID


@pytest.fixture
def push_key(make_key):
    return make_key(scopes=["push"])["key"]


def servers_of(api):
    return {s["key"]: s for s in api.get("/api/servers/").json}


def test_a_ping_by_server_key_with_the_key_in_the_path(client, as_alice, make_push, push_key):
    server = make_push(period=3600)
    response = client.get(f"/api/push/k/{push_key}/{server['key']}")
    assert response.status_code == 200 and response.json == {"ok": True, "status": "up"}
    response = client.post(f"/api/push/k/{push_key}/{server['key']}/fail?msg=disk")
    assert response.json["status"] == "down"
    response = client.get(f"/api/push/k/{push_key}/{server['key']}/0")
    assert response.json["status"] == "up"
    kinds = [r["kind"] for r in as_alice.get(f"/api/ping-results/?server_id={server['id']}").json]
    assert sorted(kinds) == ["fail", "success", "success"]


def test_a_ping_with_the_key_in_a_header(client, make_push, push_key):
    server = make_push()
    url = f"/api/push/key/{server['key']}"
    assert client.get(url, headers={"X-API-Key": push_key}).json["status"] == "up"
    bearer = {"Authorization": f"Bearer {push_key}"}
    assert client.get(f"{url}/start", headers=bearer).status_code == 200
    missing = client.get(url)
    assert missing.status_code == 401 and "X-API-Key" in missing.json["message"]
    in_query = client.get(f"{url}?token={push_key}")
    assert in_query.status_code == 401  # never read from a query string


def test_create_1_makes_the_push_server_once(client, as_alice, push_key):
    url = f"/api/push/k/{push_key}/nightly-backup"
    assert client.get(url).status_code == 404  # without create=1: the same 404 as ever
    first = client.get(f"{url}?create=1")
    assert first.status_code == 201 and first.json == {"ok": True, "status": "up"}
    again = client.get(f"{url}?create=1")
    assert again.status_code == 200
    server = servers_of(as_alice)["nightly-backup"]
    assert server["protocol"] == "push" and server["name"] == "nightly-backup"
    assert server["push"]["period"] == 86400 and server["push"]["grace"] == 3600
    header = client.get("/api/push/key/other?create=1", headers={"X-API-Key": push_key})
    assert header.status_code == 201
    assert client.get(f"/api/push/k/{push_key}/Not_A_Key?create=1").status_code == 404


def test_bad_keys_get_the_one_401_and_other_scopes_403(client, make_key, make_push, age_key):
    server = make_push()
    bad = client.get(f"/api/push/k/pgk_nothing/{server['key']}")
    assert bad.status_code == 401 and bad.json["message"] == INVALID
    for scopes in (["read"], ["write"], ["read", "write"]):
        key = make_key(scopes=scopes)["key"]
        response = client.get(f"/api/push/k/{key}/{server['key']}")
        assert response.status_code == 403
        assert response.json["message"] == "This API key lacks the 'push' scope."
    expired = make_key(scopes=["push"])
    age_key(expired, expires_at=1)
    assert client.get(f"/api/push/k/{expired['key']}/{server['key']}").status_code == 401


def test_a_revoked_push_key_gets_401(client, as_alice, make_key, make_push):
    server = make_push()
    key = make_key(scopes=["push"])
    assert client.get(f"/api/push/k/{key['key']}/{server['key']}").status_code == 200
    assert as_alice.delete(f"/api/auth/api-keys/{key['id']}/").status_code == 204
    response = client.get(f"/api/push/k/{key['key']}/{server['key']}")
    assert response.status_code == 401 and response.json["message"] == INVALID


def test_bobs_push_key_never_reaches_alices_servers(client, as_alice, as_bob, make_key, make_push):
    server = make_push()
    bobs_key = make_key(api=as_bob, scopes=["push"])["key"]
    response = client.get(f"/api/push/k/{bobs_key}/{server['key']}")
    assert response.status_code == 404 and response.json["message"] == "Not found"
    created = client.get(f"/api/push/k/{bobs_key}/{server['key']}?create=1")
    assert created.status_code == 201  # bob's own server of that key
    assert [s["key"] for s in as_bob.get("/api/servers/").json] == [server["key"]]
    status = as_alice.get(f"/api/server-status/?server_id={server['id']}").json[0]
    assert status["status"] == "unknown"  # alice's server never got bob's ping


def test_a_push_key_reaches_nothing_else(client, push_key, make_push):
    server = make_push()
    headers = {"X-API-Key": push_key}
    assert client.get("/api/servers/", headers=headers).status_code == 403
    assert client.get(f"/api/push/{server['push']['token']}").status_code == 200  # token: public


def test_a_non_push_server_by_key_is_not_found(client, make_server, push_key):
    server = make_server(name="web")
    assert client.get(f"/api/push/k/{push_key}/{server['key']}").status_code == 404
    assert client.get(f"/api/push/k/{push_key}/{server['key']}?create=1").status_code == 404
