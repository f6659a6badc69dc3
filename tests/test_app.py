"""The app as a whole: index, health, OpenAPI, docs, and the one error shape."""

import pytest

from tests.conftest import make_config


def test_the_index_lists_resources_publicly(client):
    index = client.get("/api/").json
    for name in ("servers", "ping-results", "server-status", "notification-configs", "checks"):
        assert index[name].startswith("http")
    assert index["openapi"].endswith("/api/openapi.json")


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    # The session app has Redis when TEST_REDIS_URL is set: then Redis is checked as well.
    assert ready.status_code == 200 and ready.json["checks"]["database"] == "ok"
    assert set(ready.json["checks"].values()) == {"ok"}


def test_readyz_names_what_failed(database_url):
    from pulseguard import create_app

    app = create_app(make_config(database_url, REDIS_URL="redis://127.0.0.1:1/0"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["redis"].startswith("error")
    assert "redis" in response.json["message"]


def test_readyz_checks_a_live_redis(database_url, redis_url):
    from pulseguard import create_app

    app = create_app(make_config(database_url, REDIS_URL=redis_url))
    assert app.test_client().get("/readyz").json["checks"]["redis"] == "ok"


def test_the_openapi_document_is_public_and_declares_bearer_auth(client):
    spec = client.get("/api/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path in ("/api/servers/", "/api/ping-results/", "/api/auth/token/", "/api/checks/run/"):
        assert path in spec["paths"]
    assert spec["paths"]["/api/auth/token/"]["post"]["security"] == []


def test_the_docs_page_and_its_assets_are_served_locally(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"/api/docs/static/swagger-ui-bundle.js" in page.data
    asset = client.get("/api/docs/static/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/nowhere"),
        ("get", "/api/servers/abc/"),
        ("put", "/api/servers/"),
        ("get", "/api/x"),
    ],
)
def test_unknown_routes_and_methods_answer_json(as_alice, method, url):
    response = getattr(as_alice, method)(url)
    assert response.status_code in (404, 405)
    assert response.is_json and response.json["code"] == response.status_code


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("[1, 2]", "application/json"),
        ('"text"', "application/json"),
        ("null", "application/json"),
        ("name=x", "application/x-www-form-urlencoded"),
        ("\xff\xfe", "application/json"),
    ],
)
def test_junk_bodies_get_4xx_json(as_alice, body, content_type):
    response = as_alice.post("/api/servers/", data=body, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500
    assert response.is_json and response.json["code"] == response.status_code


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page_size=0", "page_size=1000", "page=x", "tag="],
)
def test_junk_queries_get_422(as_alice, query):
    response = as_alice.get(f"/api/servers/?{query}")
    assert response.status_code == 422 and response.is_json


def test_a_page_past_the_end_is_empty(as_alice, make_server):
    make_server()
    assert as_alice.get("/api/servers/?page=5").json == []
    assert as_alice.get("/api/servers/?page=99999999999999999999").json == []


def test_huge_ids_are_404_not_500(as_alice):
    assert as_alice.get(f"/api/servers/{2**63}/").status_code == 404
    assert as_alice.get("/api/servers/99999999999/").status_code == 404
    assert as_alice.get(f"/api/ping-results/{2**63 - 1}/").status_code == 404
    assert as_alice.get("/api/ping-results/?server_id=99999999999").status_code == 422
