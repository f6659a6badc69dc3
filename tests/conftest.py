"""Fixtures: an app on SQLite or PostgreSQL (TEST_DATABASE), users, and token-carrying clients."""

# Tests run the way the processes do: tests/gevent_patch.py (loaded first by -p) patched already.
import os
import time
import uuid
from contextlib import contextmanager

import psycopg
import pytest
import redis
from argon2 import PasswordHasher
from sqlalchemy.exc import OperationalError

import pulseguard.models.user as user_module
from config import TestingConfig
from pulseguard import create_app
from pulseguard.extensions import db
from pulseguard.models import User
from pulseguard.security import issue_tokens

DB_KIND = os.environ.get("TEST_DATABASE", "sqlite")
PG_ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "correct horse battery"

# Hashing stays argon2 in tests, with cheap parameters so that hundreds of users cost nothing.
_cheap_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
user_module.password_hasher = lambda: _cheap_hasher


def pytest_report_header(config):
    return f"PulseGuard tests on {DB_KIND}"


@contextmanager
def empty_database(folder, prefix="pulseguard_test"):
    """Yield the URL of a new, empty database of the kind under test, and drop it afterwards."""
    if DB_KIND != "postgresql":
        yield f"sqlite:///{folder}/{prefix}.db"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    server = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """Return the URL of an empty database for this test session."""
    with empty_database(tmp_path_factory.mktemp("db")) as url:
        yield url


def away_from_a_minute_end(margin_s: float = 5.0) -> None:
    """Wait, if need be, until margin_s remain in the clock's current minute: rate limits count
    in fixed minutes aligned on the clock, so a test counting up to one must not straddle a
    minute's end (the count starts again there)."""
    left = 60 - time.time() % 60
    if left < margin_s:
        time.sleep(left + 0.05)


def make_config(database_url, **overrides):
    """Return a TestingConfig for the given database, with overrides."""
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.EVENTS_CHANNEL = f"pulseguard-test-{uuid.uuid4().hex[:8]}"
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(make_config(database_url))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_database(request, app):
    """Start every test from empty tables."""
    with app.app_context():
        tables = db.metadata.sorted_tables
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            for attempt in range(5):  # a previous test's delivery still finishing can deadlock it
                try:
                    db.session.execute(db.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                    break
                except OperationalError:
                    db.session.rollback()
                    if attempt == 4:
                        raise
                    time.sleep(0.2)
        else:
            for table in reversed(tables):
                db.session.execute(table.delete())
        db.session.commit()
    yield


@pytest.fixture
def ctx(app):
    """An app context for tests that use the database directly."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def redis_url():
    """A flushed Redis database, or skip loudly when Redis does not answer."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"SKIPPED: Redis not reachable at {REDIS_URL}")
    yield REDIS_URL
    client.flushdb()


class ApiClient:
    """A Flask test client that sends a user's access token with every request."""

    def __init__(self, client, token=None):
        self.client, self.token = client, token

    def request(self, method, url, **kwargs):
        headers = dict(kwargs.pop("headers", {}))  # never the caller's dict: it is shared
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, **kw):
        return self.request("POST", url, **kw)

    def put(self, url, **kw):
        return self.request("PUT", url, **kw)

    def patch(self, url, **kw):
        return self.request("PATCH", url, **kw)

    def delete(self, url, **kw):
        return self.request("DELETE", url, **kw)


@pytest.fixture
def client(app):
    """An anonymous API client."""
    return ApiClient(app.test_client())


@pytest.fixture
def make_user(app):
    def make(username, admin=False, password=PASSWORD, email=None):
        with app.app_context():
            user = User(username=username, email=email, is_admin=admin)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            return db.session.get(User, user.id)

    return make


@pytest.fixture
def login(app):
    """Return an ApiClient signed in as the given user."""

    def as_user(user):
        with app.app_context():
            token = issue_tokens(db.session.get(User, user.id), refresh=False)["access"]
        return ApiClient(app.test_client(), token)

    return as_user


@pytest.fixture
def admin(make_user):
    return make_user("root", admin=True)


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def as_admin(login, admin):
    return login(admin)


@pytest.fixture
def as_alice(login, alice):
    return login(alice)


@pytest.fixture
def as_bob(login, bob):
    return login(bob)


@pytest.fixture
def make_push(as_alice):
    """Create a push server (as alice unless another client is given); return its JSON."""

    def make(api=None, **push):
        body = {"name": "backup", "protocol": "push", "push": push}
        response = (api or as_alice).post("/api/servers/", json=body)
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def make_server(as_alice):
    """Create a server through the API (as alice unless another client is given)."""

    def make(api=None, **fields):
        body = {"name": "web", "protocol": "http", "host": "127.0.0.1", "port": 8080} | fields
        response = (api or as_alice).post("/api/servers/", json=body)
        assert response.status_code == 201, response.json
        return response.json

    return make
