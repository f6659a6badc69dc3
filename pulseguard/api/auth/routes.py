"""Routes of /api/auth/."""

from flask import current_app
from flask_jwt_extended import decode_token, get_jwt
from flask_smorest import abort
from sqlalchemy import func, select

from pulseguard.api.api_keys.queries import revoke_all
from pulseguard.api.auth import blp
from pulseguard.api.auth.schemas import (
    CredentialsSchema,
    EmptySchema,
    LogoutSchema,
    PasswordChangeSchema,
    RefreshSchema,
    TokenPairSchema,
    VerifySchema,
)
from pulseguard.api.users.schemas import UserSchema
from pulseguard.extensions import db
from pulseguard.models import User
from pulseguard.models.user import create_user, find_by_username
from pulseguard.security import current_user, is_revoked, issue_tokens, revoke


def decode_or_401(token, expected_type=None):
    """Return a decoded, unrevoked token (of the expected type, if given), or answer 401."""
    try:
        payload = decode_token(token)
    except Exception:  # noqa: BLE001 - expired, malformed, bad signature: all 401
        abort(401, message="Token is invalid or expired.")
    if expected_type and payload.get("type") != expected_type or is_revoked(payload):
        abort(401, message="Token is invalid, expired or revoked.")
    return payload


@blp.route("/token/", methods=["POST"])
@blp.arguments(CredentialsSchema)
@blp.response(200, TokenPairSchema)
@blp.alt_response(401, description="Bad credentials")
@blp.alt_response(429, description="Too many attempts")
@blp.public
def token(credentials):
    """Exchange a username and password for an access and a refresh token."""
    user = find_by_username(credentials["username"])
    if user is None:
        User.waste_time_verifying(credentials["password"])
    if user is None or not user.check_password(credentials["password"]):
        abort(401, message="No active account found with the given credentials.")
    return issue_tokens(user)


@blp.route("/token/refresh/", methods=["POST"])
@blp.arguments(RefreshSchema)
@blp.response(200, TokenPairSchema)
@blp.alt_response(401, description="Invalid, expired or revoked refresh token")
@blp.alt_response(429, description="Too many attempts")
@blp.public
def refresh(body):
    """Exchange a refresh token for a new access token."""
    payload = decode_or_401(body["refresh"], "refresh")
    user = db.session.get(User, int(payload["sub"]))
    return issue_tokens(user, refresh=False)


@blp.route("/token/verify/", methods=["POST"])
@blp.arguments(VerifySchema)
@blp.response(200, EmptySchema)
@blp.alt_response(401, description="Invalid or expired token")
@blp.alt_response(429, description="Too many attempts")
@blp.public
def verify(body):
    """Tell whether a token (access or refresh) is valid."""
    decode_or_401(body["token"])
    return {}


@blp.route("/logout/", methods=["POST"])
@blp.arguments(LogoutSchema)
@blp.response(204)
@blp.alt_response(401, description="Not authenticated")
@blp.alt_response(403, description="An API key was sent: logging out needs the JWT")
@blp.people_only
def logout(body):
    """Revoke the presented access token and, when given, the refresh token.

    With `revoke_api_keys: true`, every API key of yours is revoked too (a password change
    leaves them working)."""
    revoke(get_jwt())
    if body.get("revoke_api_keys"):
        revoke_all(current_user().id)
    if body.get("refresh"):
        try:
            payload = decode_token(body["refresh"])
        except Exception:  # noqa: BLE001 - an already invalid refresh token needs no revoking
            payload = None
        if payload and payload.get("sub") == get_jwt()["sub"]:
            revoke(payload)
    db.session.commit()


@blp.route("/register/", methods=["POST"])
@blp.arguments(UserSchema)
@blp.response(201, UserSchema)
@blp.alt_response(403, description="Registration is closed")
@blp.alt_response(409, description="Username taken")
@blp.alt_response(429, description="Too many attempts")
@blp.public
def register(data):
    """Create an account: the first one becomes admin; later ones only when registration is open."""
    first = db.session.scalar(select(func.count(User.id))) == 0
    if not first and not current_app.config["REGISTRATION_ENABLED"]:
        abort(403, message="Registration is closed. Ask an administrator for an account.")
    user = create_user(data["username"], data["password"], data.get("email"))
    db.session.commit()
    return user


@blp.route("/me/", methods=["GET"])
@blp.response(200, UserSchema)
@blp.alt_response(401, description="Not authenticated")
def me():
    """Return the signed-in user."""
    return current_user()


@blp.route("/password/", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(200, TokenPairSchema)
@blp.alt_response(401, description="Not authenticated")
@blp.alt_response(403, description="The current password is wrong")
@blp.alt_response(429, description="Too many attempts")
@blp.people_only
def change_password(body):
    """Change your own password: every token issued before stops working; new ones are returned.

    API keys keep working: revoke them with logout's `revoke_api_keys` or one by one."""
    user = current_user()
    if not user.check_password(body["old_password"]):
        abort(403, message="The current password is wrong.")
    user.set_password(body["new_password"])
    db.session.commit()
    return issue_tokens(user)
