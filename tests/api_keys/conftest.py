"""Fixtures for API keys: keys made through the API, and clients that send one."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from pulseguard.extensions import db
from pulseguard.models import ApiKey
from pulseguard.models.types import utcnow
from tests.conftest import ApiClient

KEY_PATTERN = r"^pgk_[A-Za-z0-9]{8}_[A-Za-z0-9]{40}$"
INVALID = "Invalid or expired API key"


class KeyClient(ApiClient):
    """An API client that sends an API key, as X-API-Key (or as a bearer token)."""

    def __init__(self, client, key, bearer=False):
        super().__init__(client)
        self.key, self.bearer = key, bearer

    def request(self, method, url, **kwargs):
        headers = kwargs.setdefault("headers", {})
        if self.bearer:
            headers.setdefault("Authorization", f"Bearer {self.key}")
        else:
            headers.setdefault("X-API-Key", self.key)
        return super().request(method, url, **kwargs)


@pytest.fixture
def make_key(as_alice):
    """Create a key through the API (as alice unless another JWT client is given)."""

    def make(api=None, name=None, scopes=("read",), **fields):
        make.count += 1
        body = {"name": name or f"key-{make.count}", "scopes": list(scopes)} | fields
        response = (api or as_alice).post("/api/auth/api-keys/", json=body)
        assert response.status_code == 201, response.json
        return response.json

    make.count = 0
    return make


@pytest.fixture
def key_client(app):
    """Return a client that sends the given key."""

    def make(key, bearer=False):
        return KeyClient(app.test_client(), key["key"] if isinstance(key, dict) else key, bearer)

    return make


@pytest.fixture
def age_key(app):
    """Move a key's timestamps into the past (expiry, last use), as time passing would."""

    def age(key, **ago):
        values = {column: utcnow() - timedelta(seconds=s) for column, s in ago.items()}
        with app.app_context():
            db.session.execute(update(ApiKey).where(ApiKey.id == key["id"]).values(**values))
            db.session.commit()

    return age
