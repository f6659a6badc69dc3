"""Configuration: environments, production safety, the seed's Redis variables, logging."""

import logging

import pytest

import config


def test_production_refuses_default_secrets_and_missing_database(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError) as error:
        config.ProductionConfig().validate()
    message = str(error.value)
    assert "SECRET_KEY" in message and "DATABASE_URL" in message


def test_production_starts_with_real_settings(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/pulseguard")
    production = config.ProductionConfig()
    production.SECRET_KEY = production.JWT_SECRET_KEY = "x" * 40
    production.validate()


def test_database_urls_use_psycopg3(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/pg")
    assert config.database_url() == "postgresql+psycopg://u:p@db:5432/pg"


def test_the_seed_channel_layer_variables_mean_redis(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CHANNEL_LAYER_TYPE", "redis")
    monkeypatch.setenv("REDIS_HOST", "cache")
    monkeypatch.setenv("REDIS_PORT", "6380")
    assert config.redis_url() == "redis://cache:6380/0"


def test_an_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="Unknown ENVIRONMENT"):
        config.config_for("prod-ish")


def test_logs_go_to_a_rotating_file(tmp_path):
    from logging.handlers import RotatingFileHandler
    from types import SimpleNamespace

    from pulseguard import logs

    root = logging.getLogger()
    saved = root.handlers[:], getattr(root, "_pulseguard", False)
    root._pulseguard = False
    try:
        logs.init_app(SimpleNamespace(config={"LOG_DIR": str(tmp_path), "LOG_LEVEL": "INFO"}))
        logging.getLogger("pulseguard.test").warning("hello log")
        handler = next(h for h in root.handlers if isinstance(h, RotatingFileHandler))
        handler.flush()
        assert handler.maxBytes == 10 * 1024 * 1024
        assert "hello log" in (tmp_path / "pulseguard.log").read_text()
    finally:
        for handler in root.handlers[:]:
            if handler not in saved[0]:
                root.removeHandler(handler)
                handler.close()
        root._pulseguard = saved[1]


def public_url_with(**env):
    """PUBLIC_URL as a fresh process reads it (class attributes are read at import)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    environ = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "PORT")} | env
    code = "import config; print(config.Config.PUBLIC_URL)"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=environ, capture_output=True)
    return out.stdout.decode().strip()


def test_public_url_follows_port_when_unset():
    assert public_url_with(PORT="8123") == "http://localhost:8123"
    assert public_url_with() == "http://localhost:5000"
    assert public_url_with(PORT="8123", PUBLIC_URL="https://pulse.example.com") == (
        "https://pulse.example.com"
    )


def test_db_pool_size_sizes_postgresql_pools_and_leaves_sqlite_alone(database_url):
    from pulseguard import create_worker_app
    from pulseguard.extensions import db
    from tests.conftest import make_config

    app = create_worker_app(make_config(database_url, DB_POOL_SIZE="12", DB_MAX_OVERFLOW="3"))
    with app.app_context():
        assert db.session.execute(db.text("select 1")).scalar() == 1
        pool = db.engine.pool
        if database_url.startswith("postgresql"):
            assert (pool.size(), pool._max_overflow) == (12, 3)
        else:
            assert "pool_size" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        db.session.remove()
        db.engine.dispose()
