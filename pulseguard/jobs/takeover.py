"""The lease keeper of a check engine: renews its lease and runs the claims of lapsed ones.

One greenlet per engine (with Redis and CHECK_LEASE_S > 0), ticking every third of the lease:
renew this worker's lease (dropping the claims recorded since the last tick), then take over the
claims of workers whose lease lapsed and submit them to this engine, at their planned time or at
once when that is past. Claims planned more than TAKEOVER_MAX_AGE_S ago are dropped: the
dispatcher has planned those servers' next checks long since.
"""

import logging
import time

import gevent

from pulseguard.jobs.leases import Leases

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
                oldest = time.time() - TAKEOVER_MAX_AGE_S
                stale = [c for c in claims if c[1] < oldest]
                leases.release(stale)
                with app.app_context():
                    engine.submit([c for c in claims if c[1] >= oldest])
        except Exception:  # noqa: BLE001 - the keeper must outlive a bad tick
            log.exception("The lease keeper's tick failed")
        gevent.sleep(pause)
