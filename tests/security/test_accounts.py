"""Passwords, token revocation, admin-only routes, and what is public."""

import pytest

from pulseguard.models import User
from tests.conftest import PASSWORD

METHODS = {"get", "post", "put", "patch", "delete"}
NEW_PASSWORD = "a much longer new secret"
# The only operations of the API anyone may call without a token.
PUBLIC = {
    ("post", "/api/auth/token/"),
    ("post", "/api/auth/token/refresh/"),
    ("post", "/api/auth/token/verify/"),
    ("post", "/api/auth/register/"),
    ("get", "/api/push/{token}"),
    ("post", "/api/push/{token}"),
    ("get", "/api/push/{token}/{event}"),
    ("post", "/api/push/{token}/{event}"),
}
ADMIN_ONLY = [
    ("get", "/api/users/"),
    ("post", "/api/users/"),
    ("get", "/api/users/{id}/"),
    ("patch", "/api/users/{id}/"),
    ("delete", "/api/users/{id}/"),
    ("post", "/api/checks/run/"),
    ("get", "/api/users/{id}/api-keys/"),
    ("delete", "/api/users/{id}/api-keys/{id}/"),
]


def sign_in(client, password):
    return client.post("/api/auth/token/", json={"username": "alice", "password": password})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_passwords_are_stored_as_argon2_hashes(ctx, alice):
    from pulseguard.extensions import db

    stored = db.session.get(User, alice.id).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_changing_your_own_password_revokes_every_older_token(client, alice):
    old = sign_in(client, PASSWORD).json
    response = client.post(
        "/api/auth/password/",
        json={"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(old["access"]),
    )
    assert response.status_code == 200
    assert client.get("/api/auth/me/", headers=bearer(old["access"])).status_code == 401
    refreshed = client.post("/api/auth/token/refresh/", json={"refresh": old["refresh"]})
    assert refreshed.status_code == 401
    assert client.get("/api/auth/me/", headers=bearer(response.json["access"])).status_code == 200
    assert sign_in(client, PASSWORD).status_code == 401
    assert sign_in(client, NEW_PASSWORD).status_code == 200


def test_a_password_change_needs_the_current_password_and_a_long_new_one(client, alice):
    token = sign_in(client, PASSWORD).json["access"]
    wrong = client.post(
        "/api/auth/password/",
        json={"old_password": "guess", "new_password": NEW_PASSWORD},
        headers=bearer(token),
    )
    assert wrong.status_code == 403
    short = client.post(
        "/api/auth/password/",
        json={"old_password": PASSWORD, "new_password": "short"},
        headers=bearer(token),
    )
    assert short.status_code == 422
    assert "new_password" in short.json["errors"]["json"]
    assert client.get("/api/auth/me/", headers=bearer(token)).status_code == 200


def test_logout_revokes_the_token_it_was_called_with(client, alice):
    tokens = sign_in(client, PASSWORD).json
    logout = client.post(
        "/api/auth/logout/", json={"refresh": tokens["refresh"]}, headers=bearer(tokens["access"])
    )
    assert logout.status_code == 204
    assert client.get("/api/auth/me/", headers=bearer(tokens["access"])).status_code == 401
    assert (
        client.post("/api/auth/token/refresh/", json={"refresh": tokens["refresh"]}).status_code
        == 401
    )


@pytest.mark.parametrize(("method", "path"), ADMIN_ONLY)
def test_admin_routes_refuse_other_users(as_alice, admin, method, path):
    response = as_alice.request(method.upper(), path.format(id=admin.id), json={})
    assert response.status_code == 403, (method, path, response.json)
    assert response.json["code"] == 403


def test_only_the_documented_operations_are_public(client):
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200  # the document itself is public
    assert spec.json["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}]
    public, protected = set(), []
    for path, operations in spec.json["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            if operation.get("security") == []:
                public.add((method, path))
            else:
                protected.append((method, path))
    # Everything under /api/public/ (status pages, badges) is public, and read-only.
    public_reads = {(m, p) for m, p in public if p.startswith("/api/public/")}
    assert public_reads and {m for m, _p in public_reads} == {"get"}
    assert public - public_reads == PUBLIC
    assert not [p for _m, p in protected if p.startswith("/api/public/")]
    for method, path in protected:
        response = client.request(method.upper(), fill_ids(path), json={})
        assert response.status_code == 401, (method, path, response.status_code)


def fill_ids(path):
    """Replace every {..._id} path parameter by 1."""
    import re

    return re.sub(r"\{[^}]+\}", "1", path)
