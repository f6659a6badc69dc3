"""JWT wiring: who the token names, which tokens are revoked, and errors in the one shape."""

from datetime import UTC, datetime

from flask_jwt_extended import (
    create_access_token,
    create_refresh_token,
    get_current_user,
    verify_jwt_in_request,
)
from sqlalchemy import select

from pulseguard.errors import error_response
from pulseguard.extensions import db
from pulseguard.models import RevokedToken, User
from pulseguard.web_extensions import jwt


def init_app(app) -> None:
    """Bind JWT handling (the loaders below) to the app."""
    jwt.init_app(app)


def current_user() -> User:
    """Return the signed-in user (the route must be protected)."""
    return get_current_user()


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
    verify_jwt_in_request()
    return get_current_user()


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
def _invalid(reason):
    return _unauthorized(f"Invalid token: {reason}")


@jwt.expired_token_loader
def _expired(_header, _payload):
    return _unauthorized("Token has expired.")


@jwt.revoked_token_loader
def _revoked(_header, _payload):
    return _unauthorized("Token has been revoked.")


@jwt.needs_fresh_token_loader
def _not_fresh(_header, _payload):
    return _unauthorized("Fresh token required.")
