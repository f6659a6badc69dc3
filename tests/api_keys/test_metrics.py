"""/metrics behind METRICS_TOKEN also takes an API key with the read scope."""

import pytest

from pulseguard import create_app
from tests.api_keys.conftest import INVALID
from tests.conftest import make_config


@pytest.fixture
def metrics_client(database_url):
    app = create_app(make_config(database_url, METRICS_TOKEN="s3cret-scrape-token"))
    return app.test_client()


def test_a_read_key_scrapes_closed_metrics(metrics_client, make_key):
    for scopes in (["read"], ["write"]):
        key = make_key(scopes=scopes)["key"]
        for headers in ({"X-API-Key": key}, {"Authorization": f"Bearer {key}"}):
            response = metrics_client.get("/metrics", headers=headers)
            assert response.status_code == 200, (scopes, headers)
            assert b"pulseguard_checks_total" in response.data


def test_the_metrics_token_still_works(metrics_client):
    headers = {"Authorization": "Bearer s3cret-scrape-token"}
    assert metrics_client.get("/metrics", headers=headers).status_code == 200


def test_bad_keys_and_keys_without_read_are_refused(metrics_client, make_key, as_alice):
    revoked = make_key()
    as_alice.delete(f"/api/auth/api-keys/{revoked['id']}/")
    for key in ("pgk_nonsense", revoked["key"]):
        response = metrics_client.get("/metrics", headers={"X-API-Key": key})
        assert response.status_code == 401 and response.json["message"] == INVALID
    pusher = make_key(scopes=["push"])["key"]
    refused = metrics_client.get("/metrics", headers={"X-API-Key": pusher})
    assert refused.status_code == 403
    in_url = metrics_client.get(f"/metrics?token={make_key()['key']}")
    assert in_url.status_code == 401
