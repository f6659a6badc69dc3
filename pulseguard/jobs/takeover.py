"""The lease keeper of a check engine: renews its lease and runs the claims of lapsed ones.

One greenlet per engine (with Redis and CHECK_LEASE_S > 0), ticking every third of the lease:
renew this worker's lease (dropping the claims recorded since the last tick), then take over the
claims of workers whose lease lapsed and submit them to this engine, at their planned time or at
once when that is past. Two kinds of claim are dropped instead of run:

- a superseded claim: the dispatcher has claimed the server's next check already (its
  next_check_at is an interval past the claim's). Run late, it would probe the server twice in a
  moment: the dead worker often held both claims (the dispatcher looks CHECK_LOOKAHEAD_S ahead),
  and both were due by the time its lease lapsed. The later claim runs; the earlier is lost.
- a claim planned more than TAKEOVER_MAX_AGE_S ago (its server may be gone or changed).
"""

import logging
import time

import gevent
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.jobs.leases import Claim, Leases
from pulseguard.models import Server

log = logging.getLogger(__name__)
TAKEOVER_MAX_AGE_S = 60.0


def keep_leases(app, engine, leases: Leases) -> None:
    """Renew and take over forever (killed with the engine)."""
    pause = max(0.1, leases.lease_s / 3)
    while True:
        try:
            leases.renew()
            claims = leases.take_over()
            if claims:
                with app.app_context():
                    runnable = still_due(claims)
                    leases.release([c for c in claims if c not in runnable])
                    engine.submit(runnable)
        except Exception:  # noqa: BLE001 - the keeper must outlive a bad tick
            log.exception("The lease keeper's tick failed")
        gevent.sleep(pause)


def still_due(claims: list[Claim]) -> list[Claim]:
    """The claims worth running: neither superseded by the server's next claim nor too old."""
    oldest = time.time() - TAKEOVER_MAX_AGE_S
    stmt = select(Server.id, Server.next_check_at, Server.check_interval_s).where(
        Server.id.in_({sid for sid, _planned in claims})
    )
    planning = {row.id: row for row in db.session.execute(stmt)}
    db.session.rollback()  # release the connection
    runnable = []
    for sid, planned in claims:
        row = planning.get(sid)
        if row is None or planned < oldest:
            continue
        # Claimed once: next_check_at = planned + interval; claimed again: + 2 intervals.
        if (
            row.next_check_at
            and row.next_check_at.timestamp() >= planned + 1.5 * row.check_interval_s
        ):
            continue
        runnable.append((sid, planned))
    if len(runnable) < len(claims):
        log.warning(
            "Dropped %d taken-over claims (superseded or too old)", len(claims) - len(runnable)
        )
    return runnable
