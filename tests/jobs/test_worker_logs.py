"""RQ's per-job lines are DEBUG: the per-second dispatcher no longer floods the INFO log."""

import logging

from rq import Queue

from pulseguard.jobs.dispatch import dispatch_due_checks
from pulseguard.jobs.worker import PulseGuardWorker
from pulseguard.redis_client import redis_connection


def run_dispatches(app, times):
    connection = redis_connection(app.config["REDIS_URL"])
    queue = Queue("upkeep", connection=connection)
    for _ in range(times):
        queue.enqueue(dispatch_due_checks)
    PulseGuardWorker(["upkeep"], connection=connection, app=app).work(burst=True)


def test_each_dispatch_job_logs_nothing_at_info(rq_app, caplog):
    caplog.set_level(logging.INFO)
    run_dispatches(rq_app, 3)
    per_job = [r for r in caplog.records if r.name == "rq.worker" and r.levelno >= logging.INFO]
    assert not [r.getMessage() for r in per_job if "Job OK" in r.getMessage()]
    assert not [r.getMessage() for r in per_job if "dispatch_due_checks" in r.getMessage()]
    assert any("Listening on" in r.getMessage() for r in per_job)  # the worker's own lines stay


def test_at_debug_every_job_is_logged_again(rq_app, caplog):
    caplog.set_level(logging.DEBUG)
    run_dispatches(rq_app, 2)
    lines = [r.getMessage() for r in caplog.records if r.name == "rq.worker"]
    assert sum("Job OK" in line for line in lines) == 2
