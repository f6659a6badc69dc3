"""Credentials: the one place a request's JWT or API key is resolved, and the JWT wiring.

A request carries a JWT (people: the dashboard) or an API key (scripts: see keyauth.py), never
both. `authenticate()` resolves either into a Credential kept for the request; `current_user()`
and `credential()` read it.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import g, has_request_context, request
from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    get_current_user,
    get_jwt,
    verify_jwt_in_request,
)
from flask_smorest import abort
from sqlalchemy import select

from pulseguard import keyauth
from pulseguard.errors import error_response
from pulseguard.extensions import db
from pulseguard.models import RevokedToken, User
from pulseguard.web_extensions import jwt

# Browsers' EventSource and WebSocket cannot set headers: only these take ?token= (a token in
# any other URL would end up in logs and browser history for nothing).
QUERY_TOKEN_ROUTES = ("/api/events/", "/ws/")


def init_app(app) -> None:
    """Bind JWT handling (the loaders below) to the app."""
    jwt.init_app(app)
    app.before_request(normalize_bearer)


def normalize_bearer() -> None:
    """Accept the Bearer scheme in any case (RFC 7235: schemes are case-insensitive)."""
    header = request.environ.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer " and not header.startswith("Bearer "):
        request.environ["HTTP_AUTHORIZATION"] = "Bearer " + header[7:]


@dataclass(frozen=True)
class Credential:
    """Who a request acts for, and with what: a decoded JWT or an API key's grant."""

    user: User
    token: dict | None = None
    grant: keyauth.Grant | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        """An admin acts as one with a JWT, or with a key that has the `admin` scope."""
        return self.user.is_admin and (self.grant is None or "admin" in self.grant.scopes)


def credential() -> Credential:
    """Return this request's credential (the route must be protected)."""
    found = g.get("pulseguard_credential")
    if found is None:  # a route protected by flask-jwt-extended's own decorators
        found = Credential(get_current_user(), token=get_jwt())
    return found


def current_user() -> User:
    """Return the signed-in user (the route must be protected)."""
    return credential().user


def require_scope(scope: str) -> None:
    """Answer 403 when the request's API key lacks the scope (a JWT has every scope)."""
    keyauth.require(credential().grant, scope)


def require_person() -> None:
    """Answer 403 to API keys: the route needs a JWT (keys, passwords, users)."""
    if credential().grant is not None:
        abort(403, message=keyauth.PEOPLE_ONLY)


def may_see_capabilities() -> bool:
    """Tell whether answers may carry write capabilities (push tokens, badge keys).

    Outside a request (CLI, jobs) and for JWTs and write keys: yes. Read-only keys and
    anonymous requests: no.
    """
    if not has_request_context():
        return True
    found = g.get("pulseguard_credential")
    return found is not None and (found.grant is None or found.grant.allows("write"))


def issue_tokens(user: User, refresh: bool = True) -> dict:
    """Return a new access token (and refresh token) for the user."""
    claims = {"ver": user.token_version}
    tokens = {"access": create_access_token(str(user.id), additional_claims=claims)}
    if refresh:
        tokens["refresh"] = create_refresh_token(str(user.id), additional_claims=claims)
    return tokens


def user_from_token(payload) -> User | None:
    """Return the user a decoded token names, or None."""
    try:
        return db.session.get(User, int(payload["sub"]))
    except (KeyError, TypeError, ValueError):
        return None


def is_revoked(payload) -> bool:
    """Tell whether a token was revoked by logout or made stale by a password change."""
    user = user_from_token(payload)
    if user is None:
        return True
    if payload.get("ver", 0) != user.token_version:
        return True
    jti = payload.get("jti")
    return db.session.scalar(select(RevokedToken.id).filter_by(jti=jti)) is not None


def revoke(payload) -> None:
    """Record a decoded token as revoked until it expires."""
    if is_revoked(payload):
        return
    expires = datetime.fromtimestamp(payload["exp"], UTC)
    db.session.add(RevokedToken(jti=payload["jti"], expires_at=expires))


def authenticate() -> User:
    """Resolve this request's credential (the one place that does); raise 401 without one.

    The JWT errors raised here become 401 answers in the one error shape (the loaders below).
    """
    key = keyauth.presented_key()
    if key is not None:
        user, grant = keyauth.resolve(key)
        g.pulseguard_credential = Credential(user, grant=grant)
        return user
    streams = request.path.startswith(QUERY_TOKEN_ROUTES)
    verify_jwt_in_request(locations=["headers", "query_string"] if streams else ["headers"])
    g.pulseguard_credential = Credential(get_current_user(), token=get_jwt())
    return g.pulseguard_credential.user


def authenticate_request() -> User | None:
    """Return the user of this request's credential, or None (streams answer that themselves)."""
    try:
        return authenticate()
    except Exception:  # noqa: BLE001 - any credential problem means "not authenticated"
        return None


def _unauthorized(message):
    return error_response(401, message)


@jwt.user_lookup_loader
def _load_user(_header, payload):
    return user_from_token(payload)


@jwt.user_lookup_error_loader
def _user_gone(_header, _payload):
    return _unauthorized("User not found.")


@jwt.token_in_blocklist_loader
def _in_blocklist(_header, payload):
    return is_revoked(payload)


@jwt.unauthorized_loader
def _missing(reason):
    return _unauthorized(f"Authentication required: {reason}")


@jwt.invalid_token_loader
def _invalid(_reason):
    # The decoder's reason ("Signature verification failed", bad padding) would help a forger.
    return _unauthorized("Invalid token.")


@jwt.expired_token_loader
def _expired(_header, _payload):
    return _unauthorized("Token has expired.")


@jwt.revoked_token_loader
def _revoked(_header, _payload):
    return _unauthorized("Token has been revoked.")


@jwt.needs_fresh_token_loader
def _not_fresh(_header, _payload):
    return _unauthorized("Fresh token required.")
