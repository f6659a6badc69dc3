"""A person who signs in; admins see and manage everything."""

from datetime import datetime
from functools import cache

from sqlalchemy import Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from pulseguard.extensions import db
from pulseguard.models.types import UTCDateTime, utcnow


@cache
def password_hasher():
    """The argon2 hasher, built on first use: check workers never hash and never load argon2."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def dummy_hash() -> str:
    """A hash to verify against, so that a login for an unknown user is as slow as a known one."""
    return password_hasher().hash("not-a-real-password")


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
        self.password_hash = password_hasher().hash(password)

    def check_password(self, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerifyMismatchError

        try:
            return password_hasher().verify(self.password_hash, password)
        except (VerifyMismatchError, InvalidHashError):
            return False

    @staticmethod
    def waste_time_verifying(password: str) -> None:
        """Spend as long as a real check, so a missing user cannot be told by timing."""
        from argon2.exceptions import VerifyMismatchError

        try:
            password_hasher().verify(dummy_hash(), password)
        except VerifyMismatchError:
            pass


class UsernameTakenError(Exception):
    """Another user already has this username (the API answers 409)."""

    message = "A user with that username already exists."


# Usernames are unique whatever their case: "Alice" cannot sign up next to "alice".
Index("uq_users_username_lower", func.lower(User.username), unique=True)


def find_by_username(username: str) -> User | None:
    """Return the user with this username, whatever its case, or None."""
    return db.session.scalar(select(User).where(func.lower(User.username) == func.lower(username)))


def ensure_username_free(username: str, user: User | None = None) -> None:
    """Raise UsernameTakenError when someone other than `user` has the username (in any case)."""
    taken = find_by_username(username)
    if taken is not None and taken is not user:
        raise UsernameTakenError(username)


def create_user(username: str, password: str, email: str | None = None, admin=False) -> User:
    """Add a new user to the session (not committed); the first user of an install is an admin.

    The one way users are made: `flask create-user`, registration and the admins' users API.
    """
    ensure_username_free(username)
    first = db.session.scalar(select(func.count(User.id))) == 0
    user = User(username=username, email=email, is_admin=bool(admin or first))
    user.set_password(password)
    db.session.add(user)
    return user
