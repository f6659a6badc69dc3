"""The check engine of one process: a ScheduledRunner feeding a ResultWriter.

Check batch jobs hand their servers to the engine and return; probes start at their planned time and
their results are recorded in batches by the process's one writer greenlet. Every process that runs
check jobs (RQ worker, embedded web process, `flask start-scheduler` without Redis) has one engine.
With Redis (and CHECK_LEASE_S > 0) the engine leases the claims it holds (jobs/leases.py): a
native thread renews the lease (jobs/heartbeat.py), and its keeper greenlet runs the claims of
workers whose lease lapsed (jobs/takeover.py).
"""

import logging
import time

import gevent
from redis import Redis

from pulseguard.checks.context import ProbeContext
from pulseguard.checks.runner import Result, ScheduledRunner
from pulseguard.jobs.heartbeat import Heartbeat
from pulseguard.jobs.leases import Leases
from pulseguard.jobs.takeover import keep_leases
from pulseguard.jobs.targets import load_targets
from pulseguard.monitoring.writer import ResultWriter
from pulseguard.redis_client import redis_connection

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
            app,
            max_batch=config["RECORD_BATCH_SIZE"],
            max_delay=config["RECORD_DELAY_S"],
            on_done=self._recorded,
        )
        self.runner = ScheduledRunner(self.writer.put, config["CHECK_POOL_SIZE"], self.context)
        self.max_pending = config["CHECK_MAX_PENDING"]
        self.leases: Leases | None = None
        self.keeper: gevent.Greenlet | None = None
        self.heartbeat: Heartbeat | None = None
        if config.get("REDIS_URL") and config.get("CHECK_LEASE_S", 0) > 0:
            url, lease_s = config["REDIS_URL"], config["CHECK_LEASE_S"]
            beat = Redis.from_url(url, socket_connect_timeout=lease_s, socket_timeout=lease_s)
            self.leases = Leases(redis_connection(url), lease_s, heartbeat_connection=beat)
            self.heartbeat = Heartbeat(self.leases, lease_s / 5)
            self.keeper = gevent.spawn(keep_leases, app, self, self.leases, self.heartbeat)
            log.info("Check lease %s (CHECK_LEASE_S=%s)", self.leases.worker, self.leases.lease_s)

    def submit(self, claims: list[tuple[int, float | None]]) -> int:
        """Lease the claims of servers still checked, schedule their probes; return how many."""
        targets = load_targets([sid for sid, _planned in claims])
        now = time.time()
        held = [(sid, float(planned or now)) for sid, planned in claims if sid in targets]
        if self.leases is not None:
            self.leases.hold(held)
            self.leases.release([(sid, p or now) for sid, p in claims if sid not in targets])
        for sid, planned in held:
            self.runner.submit(targets[sid], planned)
        return len(held)

    def backlog(self) -> int:
        """Checks this engine holds: probes waiting or running, results not yet recorded.

        The results not recorded include the batch the writer is recording: counting only its
        queue let a cap of 2 hold 4 checks while a slow transaction held the other 2.
        """
        return self.runner.pending + self.writer.pending()

    def _recorded(self, batch: list[Result]) -> None:
        if self.leases is not None:
            self.leases.release([(target.id, planned) for target, planned, _s, _o in batch])

    def close(self, drained: bool) -> None:
        """Stop the keeper and end the lease (what was not drained is left to the others)."""
        if self.keeper is not None:
            self.keeper.kill()
        if self.heartbeat is not None:
            self.heartbeat.stop()
        if self.leases is not None:
            self.leases.resign(keep_claims=not drained)

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
        engine.close(engine.drain(timeout))
        engine.writer.greenlet.kill()
