"""Each API key has its own rate limit (API_KEY_RATE_LIMIT); above it, 429 with Retry-After."""

import uuid

from pulseguard import create_app
from tests.conftest import make_config


def test_a_key_over_its_limit_gets_429_and_others_do_not(database_url, make_key, as_alice):
    settings = {
        "RATELIMIT_ENABLED": True,
        "API_KEY_RATE_LIMIT": "3 per minute",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }
    client = create_app(make_config(database_url, **settings)).test_client()
    busy, other = make_key()["key"], make_key()["key"]

    def get(key):
        return client.get("/api/servers/", headers={"X-API-Key": key})

    assert [get(busy).status_code for _ in range(3)] == [200, 200, 200]
    refused = get(busy)
    assert refused.status_code == 429 and refused.json["code"] == 429
    assert "API key" in refused.json["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    assert get(other).status_code == 200
    jwt = {"Authorization": f"Bearer {as_alice.token}"}
    assert client.get("/api/servers/", headers=jwt).status_code == 200
    assert get("pgk_nonsense").status_code == 401  # a bad key is refused, not counted
