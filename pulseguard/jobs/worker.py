"""The RQ worker of worker.py: no fork per job, an app context per job, gevent-friendly timeouts."""

import logging
import signal
import time
from contextlib import contextmanager

import gevent
import greenlet
from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.exceptions import StopRequested
from rq.timeouts import BaseDeathPenalty, JobTimeoutException
from rq.worker import WorkerStatus

from pulseguard import capabilities
from pulseguard.checks import icmp
from pulseguard.jobs.engine import existing_engine
from pulseguard.notify import runner as notify_runner
from pulseguard.queueing import CHECKS

log = logging.getLogger(__name__)


class GeventDeathPenalty(BaseDeathPenalty):
    """A job timeout raised in the job's own greenlet (SIGALRM hits whichever greenlet runs)."""

    def setup_death_penalty(self):
        self._deadline = None
        if self._timeout and self._timeout > 0:
            message = f"Task exceeded maximum timeout value ({self._timeout} seconds)"
            self._deadline = gevent.Timeout(self._timeout, self._exception(message))
            self._deadline.start()

    def cancel_death_penalty(self):
        if self._deadline is not None:
            self._deadline.close()


# RQ logs three INFO lines per job (taken, "Job OK", completed): with the dispatcher every
# second and check batches besides, that was 33 lines a second. They are DEBUG here; failures
# stay WARNING/ERROR, and LOG_LEVEL=DEBUG shows every job again.
PER_JOB = ("Worker %s: %s: %s", "Successfully completed", "Result is kept", "Result will never")


class PerJobLinesAtDebug(logging.Filter):
    """Demote RQ's per-job INFO lines to DEBUG (dropped unless the logger allows DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and str(record.msg).startswith(PER_JOB):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


class PulseGuardWorker(SimpleWorker):
    """Runs jobs in this process, each inside its own app context; drains the engine on exit."""

    death_penalty_class = GeventDeathPenalty

    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app
        if not any(isinstance(f, PerJobLinesAtDebug) for f in self.log.filters):
            self.log.addFilter(PerJobLinesAtDebug())

    def register_birth(self):
        super().register_birth()
        self._publish_capabilities(force=True)

    # RQ's loop quits on any error outside its dequeue, which alone waits for Redis to return: a
    # Redis restart that landed while a job was finishing, or between two jobs, ended the worker
    # process (and, under honcho, the whole Procfile set). These steps now log the loss and go on
    # to the dequeue, which retries until Redis answers.

    def heartbeat(self, timeout=None, pipeline=None):
        with redis_may_go("the heartbeat"):
            super().heartbeat(timeout, pipeline)
            self._publish_capabilities(pipeline=pipeline)

    def check_for_suspension(self, burst):
        with redis_may_go("the suspension check"):
            super().check_for_suspension(burst)

    def run_maintenance_tasks(self):
        with redis_may_go("RQ's maintenance"):
            super().run_maintenance_tasks()

    def register_death(self):
        if self._runs_checks():
            try:
                capabilities.withdraw(self.connection, self.name)
            except Exception:  # noqa: BLE001 - it expires by itself
                log.warning("Could not withdraw this worker's capabilities", exc_info=True)
        with redis_may_go("registering this worker's exit"):  # its key expires by itself
            super().register_death()

    def _runs_checks(self) -> bool:
        return CHECKS in self.queue_names()

    _published_at = 0.0

    def _publish_capabilities(self, force: bool = False, pipeline=None) -> None:
        """Tell the registry whether this worker can send ICMP (at most once a minute)."""
        if not self._runs_checks() or self.app is None:
            return
        if not force and time.monotonic() - self._published_at < 60:
            return
        self._published_at = time.monotonic()
        can = icmp.mode(icmp.setting_of(self.app.config)) is not None
        ttl = self.worker_ttl + 60
        capabilities.publish(self.connection, self.name, can, ttl, pipeline=pipeline)

    def _install_signal_handlers(self):
        """Handle SIGTERM/SIGINT in a greenlet of their own, then stop the main loop.

        RQ's handlers raise StopRequested in whatever runs when the signal lands; under gevent that
        is often a probe's greenlet, not the loop waiting on Redis.
        """
        self._main_greenlet = greenlet.getcurrent()
        for signum in (signal.SIGINT, signal.SIGTERM):
            gevent.signal_handler(signum, self._request_stop_gevent, signum)

    def _request_stop_gevent(self, signum):
        if self._stop_requested:
            log.warning("Second stop signal: exiting now")
            gevent.kill(self._main_greenlet, SystemExit(1))
            return
        log.info("Warm shutdown requested (signal %s)", signum)
        self._stop_requested = True
        if self.get_state() != WorkerStatus.BUSY:
            gevent.kill(self._main_greenlet, StopRequested())

    def execute_job(self, job, queue):
        with self.app.app_context():
            with redis_may_go(f"finishing job {job.id}"):  # the job ran; RQ records its end
                return super().execute_job(job, queue)
            return None

    def drain(self, timeout: float = 15.0) -> None:
        """Let scheduled probes finish and be recorded before the process exits."""
        engine = existing_engine(self.app)
        if engine is not None:
            drained = engine.drain(timeout)
            if not drained:
                log.warning("Exiting with checks still pending: left to the other workers")
            engine.close(drained)
        if not notify_runner.drain(self.app, timeout):
            log.warning("Exiting with notification deliveries still running")


@contextmanager
def redis_may_go(step: str):
    """Log a Redis error raised by this step and carry on (the dequeue waits for Redis)."""
    try:
        yield
    except RedisError as error:
        log.warning("Redis lost during %s (%s): the worker waits for it and goes on", step, error)


__all__ = ["GeventDeathPenalty", "JobTimeoutException", "PulseGuardWorker"]
