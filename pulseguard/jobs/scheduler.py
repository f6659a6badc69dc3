"""The periodic jobs and the rq-scheduler process that enqueues them (`flask start-scheduler`).

Only one scheduler is effective at a time: each holds a leader lock in Redis, renewed on every poll;
others wait as standbys and take over when the leader's lock expires. Registering the jobs is
idempotent (fixed job ids), so starting a second scheduler never duplicates them.
"""

import logging
import signal
import time
import uuid
from datetime import UTC, datetime

import gevent
import greenlet
from flask import current_app
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq_scheduler import Scheduler

from pulseguard.jobs.dispatch import dispatch_due_checks
from pulseguard.jobs.queue import UPKEEP
from pulseguard.jobs.upkeep import prune_results
from pulseguard.notify.reminders import send_reminders
from pulseguard.redis_client import redis_connection

log = logging.getLogger(__name__)
LEADER_KEY = "pulseguard:scheduler:leader"
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


PERIODIC_CHECK_ID = "pulseguard-dispatch"  # if this one is missing, Redis lost the schedule


def periodic_jobs(config) -> list[tuple[str, object, int]]:
    """(job id, function, every N seconds) of each periodic job."""
    return [
        ("pulseguard-dispatch", dispatch_due_checks, max(1, int(config["DISPATCH_INTERVAL_S"]))),
        ("pulseguard-prune", prune_results, max(60, int(config["PRUNE_INTERVAL_S"]))),
        ("pulseguard-reminders", send_reminders, max(10, int(config["REMINDER_INTERVAL_S"]))),
    ]


class LeaderScheduler(Scheduler):
    """An rq-scheduler that only enqueues while it holds the leader lock."""

    def __init__(self, *args, config=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.token = uuid.uuid4().hex.encode()
        self.leading = False
        self.stopping = False
        self.config = config

    def _install_signal_handlers(self):
        """Stop on SIGTERM/SIGINT from a greenlet of its own.

        rq-scheduler's handler talks to Redis inside the signal handler, which under gevent runs in
        the hub and fails (BlockingSwitchOutError, exit status 1, the lock left to expire).
        """
        main = greenlet.getcurrent()

        def stop():
            self.stopping = True
            gevent.kill(main, SystemExit(0))

        for signum in (signal.SIGINT, signal.SIGTERM):
            gevent.signal_handler(signum, stop)

    def enqueue_jobs(self):
        """Enqueue what is due; first re-register the periodic jobs if Redis lost them."""
        if (
            self.config is not None
            and self.connection.zscore(self.scheduled_jobs_key, PERIODIC_CHECK_ID) is None
        ):
            log.warning("The periodic jobs were missing from Redis (restarted empty?): registered")
            register(self, self.config)
        return super().enqueue_jobs()

    def lock_ttl(self) -> int:
        return max(5, int(self._interval * 5))

    def acquire_lock(self) -> bool:
        """Become or stay the leader; False while another scheduler leads."""
        conn, ttl = self.connection, self.lock_ttl()
        if conn.set(LEADER_KEY, self.token, nx=True, ex=ttl):
            if not self.leading:
                log.info("This scheduler is now the leader")
            self.leading = True
        elif conn.get(LEADER_KEY) == self.token:
            conn.expire(LEADER_KEY, ttl)
            self.leading = True
        else:
            self.leading = False
        self._lock_acquired = self.leading
        return self.leading

    def remove_lock(self) -> None:
        """Keep the leadership between polls (released by resign())."""

    def resign(self) -> None:
        """Give up the leadership so that a standby takes over at once."""
        if self.connection.get(LEADER_KEY) == self.token:
            self.connection.delete(LEADER_KEY)
        self.leading = False


def register(scheduler: Scheduler, config) -> list[str]:
    """(Re)register the periodic jobs under fixed ids; return the ids."""
    ids = []
    for job_id, func, every in periodic_jobs(config):
        scheduler.cancel(job_id)
        scheduler.schedule(
            datetime.now(UTC),
            func,
            interval=every,
            repeat=None,
            id=job_id,
            queue_name=UPKEEP,
            result_ttl=every * 10 + 60,
            ttl=every * 2 + 30,
            timeout=max(60, every),
        )
        ids.append(job_id)
    return ids


def build_scheduler(interval: float) -> LeaderScheduler:
    """Return a scheduler that polls every `interval` seconds, with the jobs registered."""
    scheduler = LeaderScheduler(
        queue_name=UPKEEP,
        interval=interval,
        connection=redis_connection(),
        config=current_app.config,
    )
    register(scheduler, current_app.config)
    return scheduler


def run_scheduler(interval: float, burst: bool = False) -> None:
    """Run the scheduler loop until stopped; ride out Redis outages instead of exiting."""
    pause, scheduler = 1.0, None
    while True:
        try:
            scheduler = build_scheduler(interval)
            try:
                scheduler.run(burst=burst)
            finally:
                _resign(scheduler)
            return
        except SystemExit:
            log.info("Scheduler stopped")
            return
        except REDIS_DOWN as error:
            if burst:
                raise
            if scheduler is not None and scheduler.stopping:
                return  # stopped while Redis was away: the leader lock expires by itself
            log.warning("Redis unavailable (%s); the scheduler retries in %.0fs", error, pause)
            time.sleep(pause)
            pause = min(pause * 2, 10.0)


def _resign(scheduler):
    try:
        scheduler.resign()
    except REDIS_DOWN:
        pass  # the lock expires by itself
