"""The check batch job: run_check_batch([[server id, planned unix time], ...])."""

import gevent

from pulseguard.appctx import real_app
from pulseguard.jobs.engine import get_engine
from pulseguard.jobs.targets import load_targets

__all__ = ["load_targets", "run_check_batch"]


def run_check_batch(items: list[list]) -> int:
    """Start each server's probe at its planned time in this process's engine; return how many.

    The job returns once the probes are scheduled (and leased, with Redis); the engine's writer
    records them. When the engine already holds CHECK_MAX_PENDING checks (probes waiting or
    running, and results not yet recorded), the job waits, leaving later jobs to other workers:
    a worker short of CPU does not probe faster than it records.
    """
    app = real_app()
    engine = get_engine(app)
    while engine.backlog() >= engine.max_pending:
        gevent.sleep(0.05)
    return engine.submit([(int(sid), planned) for sid, planned in items])
