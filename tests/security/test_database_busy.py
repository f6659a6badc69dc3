"""No database connection to be had (every pooled one taken): a 503 JSON answer, never a 500."""

import pytest

from pulseguard import create_app
from pulseguard.extensions import db
from tests.conftest import make_config

TINY_POOL = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.2}


@pytest.fixture
def tiny_pool_app(database_url):
    app = create_app(make_config(database_url, SQLALCHEMY_ENGINE_OPTIONS=TINY_POOL))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_request_finding_the_pool_exhausted_answers_503_with_retry_after(tiny_pool_app):
    with tiny_pool_app.app_context():
        held = db.engine.connect()  # the pool's only connection
        try:
            response = tiny_pool_app.test_client().post(
                "/api/auth/token/", json={"username": "alice", "password": "secret-secret"}
            )
        finally:
            held.close()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json["code"] == 503
    assert "retry" in response.json["message"]


def test_the_same_request_answers_normally_once_a_connection_is_free(tiny_pool_app):
    response = tiny_pool_app.test_client().post(
        "/api/auth/token/", json={"username": "alice", "password": "secret-secret"}
    )
    assert response.status_code == 401
