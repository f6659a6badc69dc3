"""The lease keeper of a check engine: runs the claims of lapsed leases.

One greenlet per engine (with Redis and CHECK_LEASE_S > 0), ticking every fifth of the lease
(the heartbeat thread renews the lease itself, jobs/heartbeat.py): drop the claims recorded since
the last tick from this worker's lease and ask which other leases lapsed (one round trip), then
take over their claims and submit them to this engine, at their planned time or at once when
that is past. A claim run late must not make a double check (two probes of one server
in a moment, both recorded): the dead worker often held the server's next claim as well (the
dispatcher claims CHECK_LOOKAHEAD_S ahead), or another worker holds it. So, per server:

- of the claims already due, only the newest is run now; the older ones are dropped;
- that one is dropped too when it is more than half an interval late: the server's next check
  (planned an interval after it, claimed by now or soon) comes within half an interval;
- a claim planned more than TAKEOVER_MAX_AGE_S ago is dropped (its server may be gone).

Each dropped claim is a check missed; each one run late is a check late (bench/scaleout).
"""

import logging
import time

import gevent
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.jobs.heartbeat import Heartbeat
from pulseguard.jobs.leases import Claim, Leases
from pulseguard.models import Server

log = logging.getLogger(__name__)
TAKEOVER_MAX_AGE_S = 60.0


def keep_leases(app, engine, leases: Leases, heartbeat: Heartbeat) -> None:
    """Take over forever (killed with the engine)."""
    pause = max(0.02, leases.lease_s / 5)
    while True:
        heartbeat.beat()
        try:
            lapsed = leases.lapsed()
            claims = leases.take_over(lapsed) if lapsed else []
            if claims:
                with app.app_context():
                    try:
                        runnable = still_due(claims)
                    except Exception:  # noqa: BLE001 - a claim taken over must not be lost
                        log.exception("Could not sort the taken-over claims: running them all")
                        runnable = claims
                    kept = set(runnable)
                    leases.release([c for c in claims if c not in kept])
                    engine.submit(runnable)
        except Exception:  # noqa: BLE001 - the keeper must outlive a bad tick
            log.exception("The lease keeper's tick failed")
        gevent.sleep(pause)


def still_due(claims: list[Claim]) -> list[Claim]:
    """The claims worth running (see the module's docstring): the rest are dropped."""
    now = time.time()
    stmt = select(Server.id, Server.check_interval_s).where(
        Server.id.in_({sid for sid, _planned in claims})
    )
    intervals = {row.id: row.check_interval_s for row in db.session.execute(stmt)}
    db.session.rollback()  # release the connection
    newest_due: dict[int, float] = {}
    for sid, planned in claims:
        if planned <= now:
            newest_due[sid] = max(planned, newest_due.get(sid, planned))
    runnable = []
    for sid, planned in claims:
        interval = intervals.get(sid)
        if interval is None or planned < now - TAKEOVER_MAX_AGE_S:
            continue
        if planned <= now and (planned < newest_due[sid] or now - planned > interval / 2):
            continue
        runnable.append((sid, planned))
    if len(runnable) < len(claims):
        dropped = len(claims) - len(runnable)
        log.warning("Dropped %d taken-over claims (their servers are checked again soon)", dropped)
    return runnable
