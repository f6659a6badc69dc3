"""The check batch job: run_check_batch([[server id, planned unix time], ...])."""

import time

import gevent
from sqlalchemy import select

from pulseguard import kinds
from pulseguard.appctx import real_app
from pulseguard.checks.target import Target
from pulseguard.extensions import db
from pulseguard.jobs.engine import get_engine
from pulseguard.models import Server
from pulseguard.models.monitored import checked_now


def load_targets(server_ids: list[int]) -> dict[int, Target]:
    """Return the Targets of those servers that are checked now, built by their kinds."""
    columns = [getattr(Server, name) for name in kinds.probe_columns()]
    stmt = select(*columns).where(
        Server.id.in_(server_ids), checked_now(), Server.protocol.in_(kinds.active_names())
    )
    targets = {row.id: kinds.target_of(row) for row in db.session.execute(stmt)}
    db.session.rollback()  # release the connection: probing takes a while
    return targets


def run_check_batch(items: list[list]) -> int:
    """Start each server's probe at its planned time in this process's engine; return how many.

    The job returns once the probes are scheduled; the engine's writer records them. When the
    engine already has CHECK_MAX_PENDING probes waiting, the job waits, leaving later jobs to other
    workers.
    """
    app = real_app()
    engine = get_engine(app)
    while engine.runner.pending >= engine.max_pending:
        gevent.sleep(0.05)
    targets = load_targets([int(sid) for sid, _planned in items])
    now = time.time()
    for sid, planned in items:
        target = targets.get(int(sid))
        if target is not None:
            engine.runner.submit(target, float(planned or now))
    return len(targets)
