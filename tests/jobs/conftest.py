"""Fixtures for the job tests: a local target, and an app that uses the test Redis."""

import pytest

from pulseguard import create_app
from pulseguard.extensions import db
from tests.checks.conftest import web  # noqa: F401 - a fixture
from tests.conftest import make_config


@pytest.fixture
def rq_app(app, redis_url):
    """A second app on the same database whose jobs go through the test Redis."""
    from pulseguard.jobs.engine import stop_engine

    other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url))
    yield other
    stop_engine(other)
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def embedded_app(app):
    """A second app on the same database with no Redis: jobs run in this process's engine."""
    from pulseguard.jobs.engine import stop_engine

    other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=None))
    yield other
    stop_engine(other)
    with other.app_context():
        db.engine.dispose()
