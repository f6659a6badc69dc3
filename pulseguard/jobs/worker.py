"""The RQ worker of worker.py: no fork per job, an app context per job, gevent-friendly timeouts."""

import logging

import gevent
from rq import SimpleWorker
from rq.timeouts import BaseDeathPenalty, JobTimeoutException

from pulseguard.jobs.engine import existing_engine
from pulseguard.notify import runner as notify_runner

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


class PulseGuardWorker(SimpleWorker):
    """Runs jobs in this process, each inside its own app context; drains the engine on exit."""

    death_penalty_class = GeventDeathPenalty

    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def execute_job(self, job, queue):
        with self.app.app_context():
            return super().execute_job(job, queue)

    def drain(self, timeout: float = 15.0) -> None:
        """Let scheduled probes finish and be recorded before the process exits."""
        engine = existing_engine(self.app)
        if engine is not None and not engine.drain(timeout):
            log.warning("Exiting with checks still pending")
        if not notify_runner.drain(self.app, timeout):
            log.warning("Exiting with notification deliveries still running")


__all__ = ["GeventDeathPenalty", "JobTimeoutException", "PulseGuardWorker"]
