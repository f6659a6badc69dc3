"""The check engine of one process: a ScheduledRunner feeding a ResultWriter.

Check batch jobs hand their servers to the engine and return; probes start at their planned time and
their results are recorded in batches by the process's one writer greenlet. Every process that runs
check jobs (RQ worker, embedded web process, `flask start-scheduler` without Redis) has one engine.
"""

import logging
import time

import gevent

from pulseguard.checks.context import ProbeContext
from pulseguard.checks.runner import ScheduledRunner
from pulseguard.monitoring.writer import ResultWriter

log = logging.getLogger(__name__)
_engines: dict[int, "CheckEngine"] = {}


class CheckEngine:
    """Probes at planned times and records results for one app."""

    def __init__(self, app):
        config = app.config
        self.context = ProbeContext.of(
            config, cafile=config.get("CHECK_CA_BUNDLE"), pool_size=config["CHECK_POOL_SIZE"]
        )
        self.writer = ResultWriter(
            app, max_batch=config["RECORD_BATCH_SIZE"], max_delay=config["RECORD_DELAY_S"]
        )
        self.runner = ScheduledRunner(self.writer.put, config["CHECK_POOL_SIZE"], self.context)
        self.max_pending = config["CHECK_MAX_PENDING"]

    def drain(self, timeout: float) -> bool:
        """Wait for pending probes and their recording; False when the timeout ran out."""
        deadline = time.monotonic() + timeout
        self.runner.wait_idle(timeout)
        while not self.writer.idle() and time.monotonic() < deadline:
            gevent.sleep(0.05)
        return self.writer.idle() and not self.runner.pending


def get_engine(app) -> CheckEngine:
    """Return this process's engine for the app, creating it on first use."""
    engine = _engines.get(id(app))
    if engine is None:
        engine = _engines[id(app)] = CheckEngine(app)
    return engine


def existing_engine(app) -> CheckEngine | None:
    """Return the app's engine if this process has started one."""
    return _engines.get(id(app))


def stop_engine(app, timeout: float = 5.0) -> None:
    """Drain and stop this process's engine for the app (tests, shutdown)."""
    engine = _engines.pop(id(app), None)
    if engine is not None:
        engine.drain(timeout)
        engine.writer.greenlet.kill()
