"""The migrations build, from nothing, exactly the schema the models describe, on each database."""

import uuid

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from pulseguard import create_app
from pulseguard.extensions import db
from tests.conftest import DB_KIND, PG_ADMIN_URL, make_config


@pytest.fixture
def empty_database_url(tmp_path):
    if DB_KIND != "postgresql":
        yield f"sqlite:///{tmp_path}/migrated.db"
        return
    name = f"pulseguard_migrate_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    server = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    yield f"{server}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_upgrade_from_nothing_matches_the_models(empty_database_url):
    app = create_app(make_config(empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
