"""PulseGuard: a self-hosted server health monitor.

Two factories: create_app() is the whole application (web processes and the `flask` CLI);
create_worker_app() is what an RQ worker needs to run jobs (config, logging, the database) and
imports none of the web-only libraries, so that each worker process stays small. Importing the
package itself loads nothing heavy: the scheduler process (pulseguard.jobs.scheduler) needs only
redis and rq-scheduler.
"""

import os

from config import config_for


def create_worker_app(config=None):
    """Create the part of the application that runs jobs: config, logging, models, database."""
    from flask import Flask
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from pulseguard import logs, sqlite
    from pulseguard.extensions import db

    if not event.contains(Engine, "connect", sqlite.pragmas):
        event.listen(Engine, "connect", sqlite.pragmas)
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_for())
    app.url_map.strict_slashes = False
    app.json.sort_keys = False
    logs.init_app(app)
    import pulseguard.models  # noqa: F401 - register the tables with SQLAlchemy

    db.init_app(app)
    return app


def create_app(config=None, migrations=None):
    """Create a PulseGuard application: the worker's part, then the API, streams and pages.

    migrations: register Flask-Migrate (the `flask db` commands). By default only when the `flask`
    command runs, so that web processes never load alembic.
    """
    from pulseguard import api, cli, errors, headers, health, live, metrics, ratelimit
    from pulseguard.dashboard import bp as dashboard_bp
    from pulseguard.extensions import db, jwt, sock

    app = create_worker_app(config)
    import pulseguard.security  # noqa: F401 - register the JWT callbacks

    if migrations is None:
        migrations = os.environ.get("FLASK_RUN_FROM_CLI") == "true"  # set by the flask command
    if migrations:
        from pulseguard.extensions import migrate

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
