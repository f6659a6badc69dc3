"""Managing API keys: shown once, stored hashed, named, limited, revoked, and JWT-only."""

import re
from datetime import timedelta

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import ApiKey
from pulseguard.models.api_key import hash_key
from pulseguard.models.types import utcnow
from tests.api_keys.conftest import INVALID, KEY_PATTERN
from tests.conftest import PASSWORD


def test_a_new_key_is_shown_once_and_never_again(app, as_alice, make_key):
    created = as_alice.post("/api/auth/api-keys/", json={"name": "ci", "scopes": ["write"]})
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    body = created.json
    assert re.match(KEY_PATTERN, body["key"])
    assert body["prefix"] == body["key"][:12] and body["status"] == "active"
    assert body["scopes"] == ["write"] and body["expires_at"] is None
    listed = as_alice.get("/api/auth/api-keys/")
    one = as_alice.get(f"/api/auth/api-keys/{body['id']}/")
    for answer in (listed, one):
        assert body["key"] not in answer.get_data(as_text=True)
        assert body["key"][13:] not in answer.get_data(as_text=True)
    assert "key" not in one.json and listed.json[0]["prefix"] == body["prefix"]
    with app.app_context():
        row = db.session.scalar(select(ApiKey))
        assert row.key_hash == hash_key(body["key"]) and body["key"][13:] not in row.key_hash


def test_scopes_and_expiry_are_validated(as_alice):
    def create(**fields):
        return as_alice.post("/api/auth/api-keys/", json={"name": "k", "scopes": ["read"]} | fields)

    for scopes in ([], ["root"], "read"):
        response = create(scopes=scopes)
        assert response.status_code == 422 and "scopes" in response.json["errors"]["json"]
    for when in (utcnow() - timedelta(minutes=1), utcnow() + timedelta(days=800)):
        response = create(expires_at=when.isoformat())
        assert response.status_code == 422 and "expires_at" in response.json["errors"]["json"]
    soon = create(expires_at=(utcnow() + timedelta(days=30)).isoformat())
    assert soon.status_code == 201 and soon.json["expires_at"]
    assert create(name="").status_code == 422


def test_only_admins_may_grant_the_admin_scope(as_alice, as_admin):
    refused = as_alice.post("/api/auth/api-keys/", json={"name": "k", "scopes": ["admin"]})
    assert refused.status_code == 403
    granted = as_admin.post("/api/auth/api-keys/", json={"name": "k", "scopes": ["read", "admin"]})
    assert granted.status_code == 201 and granted.json["scopes"] == ["read", "admin"]


def test_names_are_unique_among_a_users_unrevoked_keys(as_alice, as_bob, make_key):
    first = make_key(name="ci")
    duplicate = as_alice.post("/api/auth/api-keys/", json={"name": "ci", "scopes": ["read"]})
    assert duplicate.status_code == 409 and "'ci'" in duplicate.json["message"]
    make_key(as_bob, name="ci")  # another user's name is not a clash
    other = make_key(name="cron")
    renamed = as_alice.patch(f"/api/auth/api-keys/{other['id']}/", json={"name": "ci"})
    assert renamed.status_code == 409
    assert as_alice.delete(f"/api/auth/api-keys/{first['id']}/").status_code == 204
    assert (
        as_alice.patch(f"/api/auth/api-keys/{other['id']}/", json={"name": "ci"}).json["name"]
        == "ci"
    )


def test_patch_changes_the_name_only(as_alice, make_key):
    key = make_key(name="old", scopes=["read"])
    response = as_alice.patch(
        f"/api/auth/api-keys/{key['id']}/", json={"name": "new", "scopes": ["write"]}
    )
    assert response.status_code == 422  # unknown fields are refused, not silently ignored
    response = as_alice.patch(f"/api/auth/api-keys/{key['id']}/", json={"name": "new"})
    assert response.json["name"] == "new" and response.json["scopes"] == ["read"]


def test_a_user_has_at_most_50_active_keys(as_alice, make_key, age_key):
    keys = [make_key() for _ in range(50)]
    over = as_alice.post("/api/auth/api-keys/", json={"name": "one more", "scopes": ["read"]})
    assert over.status_code == 422 and "50" in over.json["message"]
    age_key(keys[0], expires_at=1)  # an expired key no longer counts
    assert (
        as_alice.post("/api/auth/api-keys/", json={"name": "x", "scopes": ["read"]}).status_code
        == 201
    )


def test_revoking_keeps_the_row_and_stops_the_key(as_alice, make_key, key_client):
    key = make_key()
    assert key_client(key).get("/api/servers/").status_code == 200
    assert as_alice.delete(f"/api/auth/api-keys/{key['id']}/").status_code == 204
    refused = key_client(key).get("/api/servers/")
    assert refused.status_code == 401 and refused.json["message"] == INVALID
    assert as_alice.delete(f"/api/auth/api-keys/{key['id']}/").status_code == 404
    assert as_alice.get("/api/auth/api-keys/").json == []
    audit = as_alice.get("/api/auth/api-keys/?include_revoked=true").json
    assert audit[0]["status"] == "revoked" and audit[0]["revoked_at"]
    assert as_alice.get(f"/api/auth/api-keys/{key['id']}/").json["status"] == "revoked"


def test_an_expired_key_reads_as_expired(as_alice, make_key, age_key):
    key = make_key(expires_at=(utcnow() + timedelta(days=1)).isoformat())
    age_key(key, expires_at=1)
    assert as_alice.get(f"/api/auth/api-keys/{key['id']}/").json["status"] == "expired"


def test_other_users_keys_are_404(as_alice, as_bob, make_key):
    key = make_key()
    assert as_bob.get(f"/api/auth/api-keys/{key['id']}/").status_code == 404
    assert as_bob.patch(f"/api/auth/api-keys/{key['id']}/", json={"name": "x"}).status_code == 404
    assert as_bob.delete(f"/api/auth/api-keys/{key['id']}/").status_code == 404
    assert as_bob.get("/api/auth/api-keys/").json == []


def test_no_key_manages_keys_passwords_or_users(make_key, key_client, as_admin):
    key = key_client(make_key(scopes=["read", "write"]))
    admin_key = key_client(make_key(as_admin, scopes=["read", "write", "admin"]))
    for client in (key, admin_key):
        for method, url in (
            ("GET", "/api/auth/api-keys/"),
            ("POST", "/api/auth/api-keys/"),
            ("POST", "/api/auth/password/"),
            ("POST", "/api/auth/logout/"),
            ("GET", "/api/users/"),
            ("POST", "/api/users/"),
            ("GET", "/api/users/1/api-keys/"),
        ):
            response = client.request(method, url, json={})
            assert response.status_code == 403, (method, url)
            assert "API keys cannot do this" in response.json["message"]


def test_admins_list_and_revoke_any_users_keys(as_admin, as_alice, alice, make_key, key_client):
    key = make_key()
    listed = as_admin.get(f"/api/users/{alice.id}/api-keys/")
    assert [k["id"] for k in listed.json] == [key["id"]] and "key" not in listed.json[0]
    assert as_alice.get(f"/api/users/{alice.id}/api-keys/").status_code == 403
    assert as_alice.delete(f"/api/users/{alice.id}/api-keys/{key['id']}/").status_code == 403
    assert as_admin.delete(f"/api/users/{alice.id}/api-keys/{key['id']}/").status_code == 204
    assert key_client(key).get("/api/servers/").status_code == 401
    assert as_admin.delete(f"/api/users/{alice.id}/api-keys/{key['id']}/").status_code == 404
    assert as_admin.get("/api/users/9999/api-keys/").status_code == 404


def test_logout_can_revoke_every_key(client, alice, make_key, key_client, login):
    keys = [make_key(), make_key()]
    session = login(alice)
    assert session.post("/api/auth/logout/", json={"revoke_api_keys": True}).status_code == 204
    for key in keys:
        assert key_client(key).get("/api/servers/").status_code == 401


def test_a_password_change_leaves_keys_working(as_alice, make_key, key_client):
    key = make_key()
    changed = as_alice.post(
        "/api/auth/password/", json={"old_password": PASSWORD, "new_password": "another long one"}
    )
    assert changed.status_code == 200
    assert key_client(key).get("/api/servers/").status_code == 200


def test_deleting_a_user_ends_their_keys(as_admin, alice, make_key, key_client):
    key = make_key()
    assert as_admin.delete(f"/api/users/{alice.id}/").status_code == 204
    assert key_client(key).get("/api/servers/").json["message"] == INVALID


def test_last_use_is_written_at_most_once_a_minute(as_alice, make_key, key_client, age_key):
    key = make_key()
    assert key["last_used_at"] is None
    key_client(key).get("/api/servers/")
    first = as_alice.get(f"/api/auth/api-keys/{key['id']}/").json
    assert first["last_used_at"] and first["last_used_ip"] == "127.0.0.1"
    key_client(key).get("/api/servers/", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    again = as_alice.get(f"/api/auth/api-keys/{key['id']}/").json
    assert again["last_used_at"] == first["last_used_at"] and again["last_used_ip"] == "127.0.0.1"
    age_key(key, last_used_at=61)
    key_client(key).get("/api/servers/", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    later = as_alice.get(f"/api/auth/api-keys/{key['id']}/").json
    assert later["last_used_at"] > first["last_used_at"] and later["last_used_ip"] == "10.0.0.9"


def test_key_routes_need_a_credential(client):
    assert client.get("/api/auth/api-keys/").status_code == 401
    assert (
        client.post("/api/auth/api-keys/", json={"name": "k", "scopes": ["read"]}).status_code
        == 401
    )


def test_the_document_says_which_routes_refuse_keys(client):
    paths = client.get("/api/openapi.json").json["paths"]
    jwt_only = [{"bearerAuth": []}]
    assert paths["/api/auth/api-keys/"]["post"]["security"] == jwt_only
    assert paths["/api/users/{user_id}/api-keys/"]["get"]["security"] == jwt_only
    assert paths["/api/auth/password/"]["post"]["security"] == jwt_only
    assert "security" not in paths["/api/servers/"]["get"]  # the default: a JWT or a key
