"""PulseGuard: a self-hosted server health monitor."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import config_for
from pulseguard import api, cli, errors, headers, health, live, logs, metrics, ratelimit
from pulseguard.dashboard import bp as dashboard_bp
from pulseguard.extensions import db, jwt, migrate, sock


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Enforce foreign keys (and so cascades) on SQLite, and let readers run beside a writer."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync per commit (blocks gevent)
        cursor.close()


def create_app(config=None):
    """Create a PulseGuard application."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_for())
    app.url_map.strict_slashes = False
    app.json.sort_keys = False
    logs.init_app(app)
    import pulseguard.models  # noqa: F401 - register the tables with SQLAlchemy and Alembic
    import pulseguard.security  # noqa: F401 - register the JWT callbacks

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    jwt.init_app(app)
    sock.init_app(app)
    api.init_app(app)
    live.init_app(app)
    errors.init_app(app)  # after the Api, so that the one error shape wins
    app.register_blueprint(health.bp)
    app.register_blueprint(dashboard_bp)
    cli.init_app(app)
    metrics.init_app(app)
    headers.init_app(app)
    ratelimit.init_app(app)  # after every route it limits is registered
    return app
