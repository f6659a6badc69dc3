"""The check batch job: run_check_batch([[server id, planned unix time], ...])."""

import time

import gevent
from rq import Queue, get_current_job

from pulseguard.appctx import real_app
from pulseguard.jobs.engine import get_engine
from pulseguard.jobs.targets import load_targets
from pulseguard.queueing import CHECKS

__all__ = ["job_options", "load_targets", "run_check_batch"]
CAP_WAIT_S = 1.0  # an RQ worker at its cap waits this long, then puts the batch back


def run_check_batch(items: list[list]) -> int:
    """Start each server's probe at its planned time in this process's engine; return how many.

    The job returns once the probes are scheduled (and leased, with Redis); the engine's writer
    records them. When the engine already holds CHECK_MAX_PENDING checks (probes waiting or
    running, and results not yet recorded), the job waits: a worker short of CPU does not probe
    faster than it records. In an RQ worker it waits at most CAP_WAIT_S, then puts the batch back
    at the front of the checks queue and returns: another worker may take it, and this one takes
    its upkeep jobs meanwhile (dispatch, maintenance and push sweeps, prune: its queues list
    upkeep first). Before, a worker held at its cap ran none of them until it caught up.
    """
    app = real_app()
    engine = get_engine(app)
    job = get_current_job()
    deadline = time.monotonic() + CAP_WAIT_S
    while engine.backlog() >= engine.max_pending:
        if job is not None and time.monotonic() > deadline:
            return put_back(job, items)
        gevent.sleep(0.05)
    return engine.submit([(int(sid), planned) for sid, planned in items])


def job_options(config) -> dict:
    """RQ options of check batch jobs: no stored result; dropped when stale."""
    return {"result_ttl": 0, "ttl": config["CHECK_JOB_TTL_S"], "failure_ttl": 3600}


def put_back(job, items: list[list]) -> int:
    """Enqueue the batch again, first in line, with the dispatcher's options; return 0."""
    queue = Queue(CHECKS, connection=job.connection)
    queue.enqueue(run_check_batch, items, at_front=True, **job_options(real_app().config))
    return 0
