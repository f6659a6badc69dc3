"""Every scope on every in-process surface: REST reads and writes, config export and apply,
/metrics and slug push URLs (SSE and WebSocket: tests/live/test_api_keys.py)."""

import pytest

from pulseguard import create_app
from tests.conftest import make_config

DOC = "version: 1\nservers:\n  - {key: from-ci, name: from ci, host: ci.example.com}\n"


@pytest.fixture
def metrics_app(database_url):
    return create_app(make_config(database_url, METRICS_TOKEN="s3cret-scrape-token"))


def requests_by_surface(push_key_server):
    yaml = {"Content-Type": "application/yaml"}
    return {
        "rest read": ("GET", "/api/servers/", {}),
        "rest write": ("POST", "/api/servers/", {"json": {"name": "x", "host": "x.example.com"}}),
        "config export": ("GET", "/api/config/export/", {}),
        "config apply": ("POST", "/api/config/apply/?dry_run=true", {"data": DOC, "headers": yaml}),
        "metrics": ("GET", "/metrics", {}),
        "push by key": ("GET", f"/api/push/key/{push_key_server}", {}),
    }


# scope -> the surfaces it reaches (every other surface answers 403)
REACHES = {
    "read": {"rest read", "config export", "metrics"},
    "write": {"rest read", "rest write", "config export", "config apply", "metrics"},
    "push": {"push by key"},
}


@pytest.mark.parametrize("scope", sorted(REACHES))
def test_each_scope_reaches_exactly_its_surfaces(scope, metrics_app, make_key, as_alice):
    server = as_alice.post("/api/servers/", json={"name": "job", "protocol": "push"}).json
    key = make_key(scopes=[scope])["key"]
    client = metrics_app.test_client()
    for surface, (method, url, kwargs) in requests_by_surface(server["key"]).items():
        headers = {"X-API-Key": key} | kwargs.pop("headers", {})
        response = client.open(url, method=method, headers=headers, **kwargs)
        if surface in REACHES[scope]:
            assert response.status_code in (200, 201), (surface, response.get_data(as_text=True))
        else:
            assert response.status_code == 403, (surface, response.status_code)
            needed = (
                "push" if surface == "push by key" else ("read" if method == "GET" else "write")
            )
            if surface == "metrics":
                needed = "read"
            assert response.json["message"] == f"This API key lacks the '{needed}' scope."


def test_an_admin_key_without_read_or_write_reaches_none_of_them(metrics_app, as_admin, make_key):
    key = make_key(api=as_admin, scopes=["admin"])["key"]
    client = metrics_app.test_client()
    for surface, (method, url, kwargs) in requests_by_surface("job").items():
        headers = {"X-API-Key": key} | kwargs.pop("headers", {})
        response = client.open(url, method=method, headers=headers, **kwargs)
        assert response.status_code == 403, surface
