"""Sign-in and token routes are rate-limited; the 429 keeps the one error shape."""

import uuid

from pulseguard import create_app
from tests.conftest import PASSWORD, make_config


def limited_app(database_url, **overrides):
    settings = {"RATELIMIT_ENABLED": True, "RATE_LIMIT_LOGIN": "3 per minute"} | overrides
    return create_app(make_config(database_url, **settings))


def sign_in(client, password="wrong password"):
    return client.post("/api/auth/token/", json={"username": "alice", "password": password})


def test_too_many_sign_ins_get_429_in_the_error_shape(database_url, alice):
    client = limited_app(database_url).test_client()
    assert [sign_in(client).status_code for _ in range(3)] == [401, 401, 401]
    response = sign_in(client, PASSWORD)  # even the right password waits now
    assert response.status_code == 429
    assert response.json["code"] == 429
    assert response.json["status"] == "Too Many Requests"
    assert "try again" in response.json["message"]
    assert int(response.headers["Retry-After"]) > 0


def test_routes_that_are_not_limited_keep_answering(database_url, alice):
    client = limited_app(database_url).test_client()
    token = sign_in(client, PASSWORD).json["access"]
    for _ in range(10):
        me = client.get("/api/auth/me/", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200


def test_token_refresh_has_its_own_limit(database_url, alice):
    client = limited_app(database_url, RATE_LIMIT_TOKEN="2 per minute").test_client()
    codes = [
        client.post("/api/auth/token/refresh/", json={"refresh": "x"}).status_code for _ in range(3)
    ]
    assert codes == [401, 401, 429]


def test_processes_sharing_redis_share_the_count(database_url, redis_url, alice):
    prefix = f"pulseguard-test-{uuid.uuid4().hex[:8]}"
    settings = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": prefix}
    first = limited_app(database_url, **settings).test_client()
    second = limited_app(database_url, **settings).test_client()
    assert [sign_in(c).status_code for c in (first, second, first)] == [401, 401, 401]
    assert sign_in(second).status_code == 429


def test_tests_and_development_can_turn_limits_off(database_url, alice):
    client = limited_app(database_url, RATELIMIT_ENABLED=False).test_client()
    assert {sign_in(client).status_code for _ in range(6)} == {401}
