"""Production refuses to start with unsafe settings."""

import pytest

from config import ProductionConfig

STRONG = "x" * 40


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/pulseguard")
    config = ProductionConfig()
    config.SECRET_KEY, config.JWT_SECRET_KEY = STRONG, "y" * 40
    return config


def test_safe_production_settings_pass(production):
    production.validate()


@pytest.mark.parametrize(
    ("setting", "value", "complaint"),
    [
        ("SECRET_KEY", "short-secret", "SECRET_KEY must be at least 32"),
        ("JWT_SECRET_KEY", "", "JWT_SECRET_KEY must be"),
        ("PASSWORD_MIN_LENGTH", 4, "PASSWORD_MIN_LENGTH"),
        ("RATELIMIT_ENABLED", False, "RATE_LIMIT_ENABLED"),
        ("CORS_ORIGINS", ["*"], "CORS_ORIGINS"),
    ],
)
def test_unsafe_production_settings_are_refused(production, setting, value, complaint):
    setattr(production, setting, value)
    with pytest.raises(RuntimeError, match=complaint):
        production.validate()


def test_production_on_sqlite_is_refused(production, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///prod.db")
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        production.validate()


def test_production_without_a_database_url_is_refused(production, monkeypatch):
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(RuntimeError, match="DATABASE_URL must be set"):
        production.validate()
