"""The fast-path chain in front of Flask: a handler answers, or hands the request on unchanged."""

import pytest

from pulseguard import create_app, fastpath
from tests.conftest import make_config


def seen_address(environ, start_response):
    """A toy fast path: answers /fast with the client address it was given, hands on the rest."""
    if environ["PATH_INFO"] != "/fast":
        return None
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["REMOTE_ADDR"].encode()]


@pytest.fixture
def fast_app(database_url, monkeypatch):
    monkeypatch.setattr(fastpath, "makers", lambda: [lambda app: seen_address])
    return create_app(make_config(database_url, TRUSTED_PROXIES=1))


def test_a_handler_answers_before_flask_behind_the_proxy_fix(fast_app):
    response = fast_app.test_client().get("/fast", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.status_code == 200
    assert response.data == b"203.0.113.7"  # ProxyFix ran first


def test_a_request_it_does_not_serve_reaches_flask(fast_app):
    response = fast_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # Flask's own after_request
    assert fast_app.test_client().get("/no-such-page").status_code == 404
