"""One apply at a time per user: the lease row of models/config_lease.py, held around an apply."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from pulseguard.extensions import db
from pulseguard.models.config_lease import STALE_S, ConfigLease
from pulseguard.models.types import utcnow


class ApplyRunningError(Exception):
    """Another apply of this user holds the lease (the API answers 409)."""

    message = "Another apply of your configuration is running; try again when it is done."


def _take(owner_id: int) -> object:
    now = utcnow()
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(ConfigLease).values(owner_id=owner_id, taken_at=now))
        return now
    except IntegrityError:
        pass
    with db.engine.begin() as conn:  # a lease left by a process that died is taken over
        stale = now - timedelta(seconds=STALE_S)
        taken = conn.execute(
            update(ConfigLease)
            .where(ConfigLease.owner_id == owner_id, ConfigLease.taken_at < stale)
            .values(taken_at=now)
        )
    if taken.rowcount != 1:
        raise ApplyRunningError()
    return now


@contextmanager
def held(owner_id: int) -> Iterator[None]:
    """Hold the user's apply lease for the block; ApplyRunningError if another apply holds it."""
    taken_at = _take(owner_id)
    try:
        yield
    finally:
        with db.engine.begin() as conn:
            conn.execute(
                delete(ConfigLease).where(
                    ConfigLease.owner_id == owner_id, ConfigLease.taken_at == taken_at
                )
            )
