"""PulseGuard: a self-hosted server health monitor.

Two factories: create_app() is the whole application (web processes and the `flask` CLI);
create_worker_app() is what an RQ worker needs to run jobs (config, logging, the database) and
imports none of the web-only libraries, so that each worker process stays small. Importing the
package itself loads nothing heavy: the scheduler process (pulseguard.jobs.scheduler) needs only
redis and rq-scheduler.
"""

from config import config_for


def create_worker_app(config=None):
    """Create the part of the application that runs jobs: config, logging, models, database."""
    from flask import Flask
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from pulseguard import logs, sqlite
    from pulseguard.checks.guard import guard_of
    from pulseguard.extensions import db

    if not event.contains(Engine, "connect", sqlite.pragmas):
        event.listen(Engine, "connect", sqlite.pragmas)
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_for())
    app.url_map.strict_slashes = False
    app.json.sort_keys = False
    guard_of(app.config)  # a bad TARGET_*_NETWORKS value fails at start, not at the first check
    logs.init_app(app)
    import pulseguard.models  # noqa: F401 - register the tables with SQLAlchemy

    pool_options(app.config)
    db.init_app(app)
    return app


def pool_options(config) -> None:
    """Size PostgreSQL's connection pool from DB_POOL_SIZE / DB_MAX_OVERFLOW when they are set."""
    if not str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        return  # SQLite's pools take no overflow
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    for key, name in (("pool_size", "DB_POOL_SIZE"), ("max_overflow", "DB_MAX_OVERFLOW")):
        if config.get(name) not in (None, ""):
            options.setdefault(key, int(config[name]))
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def create_app(config=None, migrations=False):
    """Create a PulseGuard application: the worker's part, then the API, streams and pages.

    migrations: register Flask-Migrate (the `flask db` commands); manage.py, the `flask`
    command's app, does. Web processes do not, so they never load alembic.
    """
    from pulseguard import (
        api,
        cli,
        errors,
        fastpath,
        headers,
        health,
        hygiene,
        live,
        metrics,
        ratelimit,
        security,
    )
    from pulseguard.dashboard import bp as dashboard_bp
    from pulseguard.extensions import db
    from pulseguard.pages import bp as pages_bp
    from pulseguard.web_extensions import sock

    app = create_worker_app(config)
    if migrations:
        from flask_migrate import Migrate

        Migrate(app, db, render_as_batch=True)
    hygiene.init_app(app)  # first: no hook or view sees a body it would choke on
    security.init_app(app)
    sock.init_app(app)
    api.init_app(app)
    live.init_app(app)
    errors.init_app(app)  # after the Api, so that the one error shape wins
    app.register_blueprint(health.bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(pages_bp)
    cli.init_app(app)
    metrics.init_app(app)
    fastpath.install(app, fastpath.makers())  # inside ProxyFix, which headers adds
    headers.init_app(app)
    ratelimit.init_app(app)  # after every route it limits is registered
    return app
