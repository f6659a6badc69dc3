"""Loading the Targets of claimed servers (check batch jobs, and claims taken over)."""

from sqlalchemy import select

from pulseguard import kinds
from pulseguard.checks.target import Target
from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.models.ids import ids_in
from pulseguard.models.monitored import checked_now


def load_targets(server_ids: list[int]) -> dict[int, Target]:
    """Return the Targets of those servers that are checked now, built by their kinds."""
    columns = [getattr(Server, name) for name in kinds.probe_columns()]
    # Columns only: run on the session's connection, without the ORM's result machinery.
    connection = db.session.connection()
    stmt = select(*columns).where(
        ids_in(Server.id, server_ids, connection.dialect.name),
        checked_now(),
        Server.protocol.in_(kinds.active_names()),
    )
    rows = connection.execute(stmt)
    targets = {row.id: kinds.target_of(row) for row in rows}
    db.session.rollback()  # release the connection: probing takes a while
    return targets
