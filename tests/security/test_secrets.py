"""Secrets nobody can read in the code: make run's random one; deployments refuse weak ones."""

import os
import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

import config
from pulseguard import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def secret_file(tmp_path, monkeypatch):
    path = tmp_path / "instance" / "secret_key"
    monkeypatch.setattr(config, "SECRET_FILE", path)
    return path


def development_config(database_url):
    development = config.DevelopmentConfig()
    development.SQLALCHEMY_DATABASE_URI = database_url
    development.LOG_DIR = None
    development.RATELIMIT_ENABLED = False
    return development


def forged(user, key):
    now = datetime.now(UTC)
    claims = {"sub": str(user.id), "ver": user.token_version, "type": "access", "fresh": False}
    claims |= {"jti": uuid.uuid4().hex, "iat": now, "nbf": now, "exp": now + timedelta(minutes=5)}
    return jwt.encode(claims, key, algorithm="HS256")


def test_development_makes_a_random_secret_once_and_keeps_it_private(secret_file, monkeypatch):
    monkeypatch.setattr(config.Config, "SECRET_KEY", None)
    monkeypatch.setattr(config.Config, "JWT_SECRET_KEY", None)
    first, second = config.DevelopmentConfig(), config.DevelopmentConfig()
    assert first.SECRET_KEY == second.SECRET_KEY == secret_file.read_text().strip()
    assert first.JWT_SECRET_KEY == first.SECRET_KEY
    assert len(first.SECRET_KEY) >= config.MIN_SECRET_LENGTH
    assert first.SECRET_KEY != config.DEV_SECRET
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert list(secret_file.parent.iterdir()) == [secret_file]  # no draft left behind
    secret_file.unlink()
    assert config.DevelopmentConfig().SECRET_KEY != first.SECRET_KEY


def test_a_token_forged_with_the_old_constant_is_refused(
    secret_file, monkeypatch, database_url, admin
):
    monkeypatch.setattr(config.Config, "SECRET_KEY", None)
    monkeypatch.setattr(config.Config, "JWT_SECRET_KEY", None)
    development = development_config(database_url)
    client = create_app(development).test_client()
    me = "/api/auth/me/"
    bad = client.get(me, headers={"Authorization": f"Bearer {forged(admin, config.DEV_SECRET)}"})
    assert bad.status_code == 401
    real = forged(admin, development.JWT_SECRET_KEY)
    assert client.get(me, headers={"Authorization": f"Bearer {real}"}).json["is_admin"] is True


def start(logs, environment, **env):
    """Build the app the way wsgi.py does, in a fresh interpreter; return (exit code, stderr)."""
    environ = {"PATH": os.environ["PATH"], "ENVIRONMENT": environment, "LOG_DIR": str(logs)}
    environ |= {"DATABASE_URL": "postgresql://u@127.0.0.1:1/x", **env}
    done = subprocess.run(
        [sys.executable, "-c", "from pulseguard import create_app; create_app()"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    ("secrets", "complaint"),
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "CHANGE-ME", "JWT_SECRET_KEY": "CHANGE-ME"}, "placeholder"),
        ({"SECRET_KEY": "CHANGE-ME-to-a-long-random-string"}, "SECRET_KEY is the template's"),
        ({"SECRET_KEY": "short", "JWT_SECRET_KEY": "x" * 40}, "at least 32 characters"),
        ({"SECRET_KEY": config.DEV_SECRET, "JWT_SECRET_KEY": "x" * 40}, "placeholder"),
    ],
)
def test_staging_refuses_weak_secrets(monkeypatch, secrets, complaint):
    monkeypatch.setattr(config.Config, "SECRET_KEY", secrets.get("SECRET_KEY"))
    monkeypatch.setattr(config.Config, "JWT_SECRET_KEY", secrets.get("JWT_SECRET_KEY"))
    with pytest.raises(config.UnsafeConfigError, match=complaint):
        config.StagingConfig().validate()


@pytest.mark.once
@pytest.mark.parametrize("environment", ["staging", "production"])
def test_deployments_say_why_they_refuse_in_one_line(tmp_path, environment):
    code, stderr = start(tmp_path, environment, SECRET_KEY="CHANGE-ME", JWT_SECRET_KEY="CHANGE-ME")
    assert code != 0
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"PulseGuard: Refusing to start in {environment}"
    )
    assert "SECRET_KEY is the template's placeholder" in lines[0]
    assert "secrets.token_urlsafe" in lines[0]  # and how to make a good one


@pytest.mark.once
def test_staging_starts_with_real_secrets(tmp_path):
    assert start(tmp_path, "staging", SECRET_KEY="s" * 40, JWT_SECRET_KEY="j" * 40) == (0, "")
