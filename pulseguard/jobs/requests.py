"""Asking for checks now, outside the regular schedule."""

from sqlalchemy import update

from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.models.types import utcnow


def request_checks(server_ids: list[int]) -> None:
    """Make the given servers due now; the dispatcher claims them on its next tick."""
    db.session.execute(
        update(Server).where(Server.id.in_(server_ids)).values(next_check_at=utcnow())
    )
    db.session.commit()
