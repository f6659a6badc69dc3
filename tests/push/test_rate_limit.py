"""PUSH_RATE_LIMIT: pings per push server; above it 429 JSON with Retry-After, nothing recorded."""

import uuid

import pytest
from sqlalchemy import func, select

from pulseguard import create_app
from pulseguard.extensions import db
from pulseguard.models import PingResult
from tests.conftest import away_from_a_minute_end, make_config


@pytest.fixture(params=["memory", "redis"])
def limited_client(request, database_url):
    """A client of an app limiting push pings to 3 per minute, counted in memory or in Redis."""
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    settings = {
        "RATELIMIT_ENABLED": True,
        "PUSH_RATE_LIMIT": "3 per minute",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "REDIS_URL": redis_url,
    }
    app = create_app(make_config(database_url, **settings))
    away_from_a_minute_end()
    yield app, app.test_client()
    app.extensions["pulseguard_ping_batcher"].greenlet.kill()


def stored(app, server_id):
    with app.app_context():
        count = select(func.count()).select_from(PingResult)
        return db.session.scalar(count.where(PingResult.server_id == server_id))


def test_a_server_over_its_limit_gets_429_and_others_do_not(limited_client, make_push):
    app, client = limited_client
    busy, other = make_push(), make_push()
    url = f"/api/push/{busy['push']['token']}"
    assert [client.get(url + path).status_code for path in ("", "/start", "/0")] == [200] * 3
    refused = client.post(url + "/fail")
    assert refused.status_code == 429 and refused.json["code"] == 429
    assert "Retry-After" in refused.json["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert stored(app, busy["id"]) == 3  # the refused ping is not recorded
    assert client.get(f"/api/push/{other['push']['token']}").status_code == 200


def test_an_unknown_token_is_404_until_its_own_limit(limited_client):
    _app, client = limited_client
    answers = [client.get("/api/push/nosuchtoken0123456789abc").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]  # the same for every token: nothing to enumerate


def test_the_openapi_document_lists_the_429(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert "429" in paths["/api/push/{token}"]["get"]["responses"]
    assert "429" in paths["/api/push/k/{push_key}/{server_key}"]["get"]["responses"]
