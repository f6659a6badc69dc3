"""API keys on requests: where a key may be sent, how it is checked, and what it may do.

A key comes in `X-API-Key: pgk_...` or `Authorization: Bearer pgk_...` (the prefix tells it from
a JWT), never in a query string. Every bad key (malformed, unknown, wrong secret, expired,
revoked, of a deleted user) gets the same 401, so nothing can be probed. Logs name the public
key id, never the secret.
"""

import logging
from typing import NamedTuple

from flask import request
from flask_smorest import abort
from sqlalchemy import or_, select, update

from pulseguard.extensions import db
from pulseguard.models import ApiKey, User
from pulseguard.models.api_key import LAST_USED_EVERY, PREFIX, split_key
from pulseguard.models.types import utcnow
from pulseguard.ratelimit import api_key_retry_after

log = logging.getLogger(__name__)

INVALID = "Invalid or expired API key"
TWO_CREDENTIALS = "Send one credential, not two"
IN_QUERY = "API keys are never accepted in a query string: send the X-API-Key header."
TOO_MANY = "Too many requests with this API key; wait a little (see Retry-After)."
PEOPLE_ONLY = "API keys cannot do this: sign in with your password (a JWT) instead."
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Grant(NamedTuple):
    """What a checked key grants (no ORM object kept: streams hold it for hours)."""

    id: int
    key_id: str
    scopes: frozenset
    expires_at: float | None  # seconds since the epoch

    def allows(self, scope: str) -> bool:
        """Tell whether the key has the scope (`write` implies `read`)."""
        return scope in self.scopes or (scope == "read" and "write" in self.scopes)


def bearer() -> str | None:
    """Return the token of an `Authorization: Bearer ...` header, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def presented_key() -> str | None:
    """Return the API key this request sends, or None; 401 for a key sent two ways or in a URL."""
    header = request.headers.get("X-API-Key", "").strip() or None
    token = bearer()
    in_bearer = token if token and token.startswith(PREFIX) else None
    query_token = request.args.get("token", "")
    if query_token.startswith(PREFIX):
        abort(401, message=IN_QUERY)
    if header and (token or query_token):
        abort(401, message=TWO_CREDENTIALS)
    if in_bearer and query_token:
        abort(401, message=TWO_CREDENTIALS)
    return header or in_bearer


def resolve(key: str) -> tuple[User, Grant]:
    """Return the user of a valid key and what it grants; 401 otherwise. Notes the last use."""
    parts = split_key(key)
    row = None
    if parts is not None:
        found = db.session.execute(
            select(ApiKey, User)
            .join(User, User.id == ApiKey.user_id)
            .filter(ApiKey.key_id == parts[0])
        ).first()
        row = found if found is not None and found[0].matches(key) else None
    if row is None or row[0].status != "active":
        if parts is not None:
            log.info("Refused API key %s%s", PREFIX, parts[0])
        abort(401, message=INVALID)
    api_key, user = row
    wait = api_key_retry_after(api_key.key_id)
    if wait is not None:
        abort(429, message=TOO_MANY, headers={"Retry-After": str(wait)})
    expires = api_key.expires_at.timestamp() if api_key.expires_at else None
    grant = Grant(api_key.id, api_key.key_id, frozenset(api_key.scopes), expires)
    note_use(api_key)
    return user, grant


def note_use(api_key: ApiKey) -> None:
    """Record when and from where a key was last used, at most once a minute (compare-and-set)."""
    now = utcnow()
    last = api_key.last_used_at
    if last is not None and now - last < LAST_USED_EVERY:
        return
    db.session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == api_key.id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USED_EVERY),
        )
        .values(last_used_at=now, last_used_ip=request.remote_addr)
    )
    db.session.commit()


def require(grant: Grant | None, scope: str) -> None:
    """Answer 403 when the request's key lacks a scope (a JWT has them all)."""
    if grant is not None and not grant.allows(scope):
        abort(403, message=f"This API key lacks the '{scope}' scope.")


def scope_for_method(method: str) -> str:
    """Return the scope a request method needs: `read` to look, `write` to change."""
    return "read" if method in SAFE_METHODS else "write"
