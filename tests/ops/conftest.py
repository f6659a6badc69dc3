"""Fixtures of the fault tests: a private Redis, a private PostgreSQL database, the Procfile set."""

import psycopg
import pytest

from tests.ops.stack import PG_ADMIN_URL, PrivateDatabase, PrivateRedis, Stack, have_tools


@pytest.fixture
def private_redis(tmp_path):
    if not have_tools():
        pytest.skip("SKIPPED: redis-server is not installed")
    server = PrivateRedis(tmp_path / "redis").start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def released_database(tmp_path_factory):
    """A database after the Procfile's `release` step (flask db upgrade) and an admin user.

    Each test copies it (CREATE DATABASE ... TEMPLATE), which is much faster than migrating again.
    """
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=2).close()
    except psycopg.OperationalError:
        pytest.skip(f"SKIPPED: PostgreSQL not reachable at {PG_ADMIN_URL}")
    tmp = tmp_path_factory.mktemp("release")
    database = PrivateDatabase().create()
    Stack(tmp, PrivateRedis(tmp / "unused"), database).release()
    yield database
    database.drop()


@pytest.fixture
def private_database(released_database):
    database = PrivateDatabase(template=released_database.name).create()
    yield database
    database.drop()


@pytest.fixture
def stack(tmp_path, private_redis, private_database):
    """The Procfile set on a released database; nothing started yet; killed at the end."""
    procs = Stack(tmp_path, private_redis, private_database)
    yield procs
    procs.stop_all()
