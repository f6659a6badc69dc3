"""Finding, issuing and revoking a user's keys: shared by your own routes and the admins'."""

from flask_smorest import abort
from sqlalchemy import func, select

from pulseguard.extensions import db
from pulseguard.models import ApiKey
from pulseguard.models.types import utcnow

MAX_ACTIVE = 50


def keys_of(user_id: int, include_revoked: bool = False):
    """Return a select of a user's keys, newest first."""
    stmt = select(ApiKey).where(ApiKey.user_id == user_id)
    if not include_revoked:
        stmt = stmt.where(ApiKey.revoked_at.is_(None))
    return stmt.order_by(ApiKey.id.desc())


def get_key_of(user_id: int, key_id: int, include_revoked: bool = False) -> ApiKey:
    """Return a user's key, or 404 (a revoked one only when asked: it can change no more)."""
    key = db.session.scalar(keys_of(user_id, include_revoked).where(ApiKey.id == key_id))
    if key is None:
        abort(404, message=f"API key {key_id} not found.")
    return key


def ensure_name_free(user_id: int, name: str, key: ApiKey | None = None) -> None:
    """Answer 409 when another unrevoked key of the user has the name."""
    taken = db.session.scalar(keys_of(user_id).where(ApiKey.name == name))
    if taken is not None and taken is not key:
        abort(409, message=f"An API key named '{name}' already exists.")


def issue(user, data: dict) -> tuple[ApiKey, str]:
    """Check the request and add a new key of the user; return it and the key (shown once)."""
    if "admin" in data["scopes"] and not user.is_admin:
        abort(403, message="Only administrators may give a key the 'admin' scope.")
    ensure_name_free(user.id, data["name"])
    now = utcnow()
    active = db.session.scalar(
        select(func.count(ApiKey.id)).where(
            ApiKey.user_id == user.id,
            ApiKey.revoked_at.is_(None),
            (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > now),
        )
    )
    if active >= MAX_ACTIVE:
        abort(422, message=f"You have {MAX_ACTIVE} active API keys, the most allowed: revoke one.")
    return ApiKey.issue(user.id, data["name"], data["scopes"], data["expires_at"])


def revoke_all(user_id: int) -> int:
    """Revoke every unrevoked key of a user (not committed); return how many."""
    keys = db.session.scalars(keys_of(user_id)).all()
    for key in keys:
        key.revoke()
    return len(keys)
