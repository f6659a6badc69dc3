"""Status pages: a page of alice's servers, and the public client that reads it."""

import pytest

from pulseguard import pagecache
from pulseguard.redis_client import redis_connection
from tests.monitoring.conftest import published  # noqa: F401 - recording without side effects


@pytest.fixture(autouse=True)
def empty_page_cache(app):
    """Every test starts with no cached page, in process or in Redis (TEST_REDIS_URL)."""
    pagecache._local.clear()
    pagecache._local_index.clear()
    if app.config.get("REDIS_URL"):
        client = redis_connection(app.config["REDIS_URL"])
        keys = list(client.scan_iter(f"{pagecache.PREFIX}*"))
        if keys:
            client.delete(*keys)
    yield


@pytest.fixture
def make_page(as_alice):
    def make(api=None, **fields):
        body = {"slug": "acme", "title": "Acme status"} | fields
        response = (api or as_alice).post("/api/status-pages/", json=body)
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def page_of(make_server, make_page):
    """A published page with two of alice's servers in one group."""

    def make(**fields):
        web = make_server(name="web-internal", host="127.0.0.1", port=8443, path="/health")
        db_server = make_server(name="db", host="db.internal.example", port=5432, protocol="tcp")
        groups = [{"name": "API", "servers": [{"server": web["id"], "display_name": "Public API"},
                                              {"server": db_server["id"]}]}]  # fmt: skip
        page = make_page(published=True, groups=groups, **fields)
        return page, web, db_server

    return make
