"""Asking for checks now, outside the regular schedule."""

from sqlalchemy import update

from pulseguard.extensions import db
from pulseguard.jobs.dispatch import dispatch_due_checks
from pulseguard.models import Server
from pulseguard.models.monitored import checked_now
from pulseguard.models.types import utcnow


def request_checks(server_ids: list[int]) -> None:
    """Make the given checked servers due now and dispatch them at once (not on the next tick)."""
    db.session.execute(
        update(Server)
        .where(Server.id.in_(server_ids), checked_now())
        .values(next_check_at=utcnow(), updated_at=Server.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    dispatch_due_checks(server_ids=list(server_ids))
