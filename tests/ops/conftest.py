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


@pytest.fixture
def private_database():
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=2).close()
    except psycopg.OperationalError:
        pytest.skip(f"SKIPPED: PostgreSQL not reachable at {PG_ADMIN_URL}")
    database = PrivateDatabase().create()
    yield database
    database.drop()


@pytest.fixture
def stack(tmp_path, private_redis, private_database):
    """The Procfile set, released (migrated) but not started; stopped at the end."""
    procs = Stack(tmp_path, private_redis, private_database)
    procs.release()
    yield procs
    procs.stop_all()
