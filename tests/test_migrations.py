"""The migrations build, from nothing, exactly the schema the models describe, on each database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from pulseguard import create_app
from pulseguard.extensions import db
from tests.conftest import empty_database, make_config


@pytest.fixture
def empty_database_url(tmp_path):
    with empty_database(tmp_path, "pulseguard_migrate") as url:
        yield url


def test_upgrade_from_nothing_matches_the_models(empty_database_url):
    app = create_app(make_config(empty_database_url), migrations=True)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
