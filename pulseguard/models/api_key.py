"""API keys: scoped credentials for scripts, stored as a hash behind a public prefix id.

A key reads `pgk_<key_id>_<secret>` (base62; 8 and 40 characters). The database keeps the
public `key_id` (unique) and sha256 of the whole key: the secret is random (~238 bits), so a plain
hash is enough, and checking it costs microseconds on every request (a slow hash would not).
"""

import hashlib
import hmac
import secrets
import string
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime, utcnow

PREFIX = "pgk_"
ID_LENGTH = 8
SECRET_LENGTH = 40
KEY_LENGTH = len(PREFIX) + ID_LENGTH + 1 + SECRET_LENGTH
BASE62 = string.ascii_letters + string.digits
SCOPES = ("read", "write", "push", "admin")
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at/_ip are written at most this often


def random_base62(length: int) -> str:
    """Return a random base62 string drawn from `secrets`."""
    return "".join(secrets.choice(BASE62) for _ in range(length))


def hash_key(key: str) -> str:
    """Return the stored form of a whole key (hex sha256)."""
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """Return (key_id, secret) of a well-formed key, or None."""
    if len(key) != KEY_LENGTH or not key.startswith(PREFIX) or key[len(PREFIX) + ID_LENGTH] != "_":
        return None
    key_id, secret = key[len(PREFIX) : len(PREFIX) + ID_LENGTH], key[-SECRET_LENGTH:]
    if not all(c in BASE62 for c in key_id + secret):
        return None
    return key_id, secret


class ApiKey(db.Model):
    __tablename__ = "api_keys"
    # Names are unique among a user's keys that are not revoked (a revoked name can be reused).
    __table_args__ = (
        Index(
            "uq_api_keys_user_active_name",
            "user_id",
            "name",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    key_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_ip: Mapped[str | None] = mapped_column(String(45))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @classmethod
    def issue(cls, user_id: int, name: str, scopes, expires_at=None) -> tuple["ApiKey", str]:
        """Return a new key row (added to the session, not committed) and the key, shown once."""
        key_id = random_base62(ID_LENGTH)
        key = f"{PREFIX}{key_id}_{random_base62(SECRET_LENGTH)}"
        row = cls(
            user_id=user_id,
            name=name,
            key_id=key_id,
            key_hash=hash_key(key),
            scopes=[scope for scope in SCOPES if scope in scopes],
            expires_at=expires_at,
        )
        db.session.add(row)
        return row, key

    @property
    def prefix(self) -> str:
        return f"{PREFIX}{self.key_id}"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= utcnow():
            return "expired"
        return "active"

    def matches(self, key: str) -> bool:
        """Tell, in constant time, whether a presented key is this one."""
        return hmac.compare_digest(self.key_hash, hash_key(key))

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = utcnow()
