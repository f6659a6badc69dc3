"""A person who signs in; admins see and manage everything."""

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime, utcnow

hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown user as slow as one for a known user.
DUMMY_HASH = hasher.hash("not-a-real-password")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    date_joined: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped on password change: tokens carry it, and older ones stop working.
    token_version: Mapped[int] = mapped_column(default=0)

    def set_password(self, password: str) -> None:
        """Store a slow hash of the password; tokens issued before now stop working."""
        if self.password_hash:
            self.token_version = (self.token_version or 0) + 1
        self.password_hash = hasher.hash(password)

    def check_password(self, password: str) -> bool:
        try:
            return hasher.verify(self.password_hash, password)
        except (VerifyMismatchError, InvalidHashError):
            return False

    @staticmethod
    def waste_time_verifying(password: str) -> None:
        """Spend as long as a real check, so a missing user cannot be told by timing."""
        try:
            hasher.verify(DUMMY_HASH, password)
        except VerifyMismatchError:
            pass
