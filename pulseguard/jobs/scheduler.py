"""The periodic jobs and the rq-scheduler process that enqueues them (`flask start-scheduler`).

Only one scheduler is effective at a time: each holds a leader lock in Redis (TTL 3 polls), renewed
on every poll; others wait as standbys, look for it every 100 ms and take over when the leader's
lock expires. Registering the jobs is
idempotent (fixed job ids), so starting a second scheduler never duplicates them.

The process is small: `flask start-scheduler` replaces itself with `python -m
pulseguard.jobs.scheduler`, which imports redis and rq-scheduler and none of Flask, SQLAlchemy or
the job code (jobs are named by their import path; RQ workers import them).
"""

import argparse
import logging
import signal
import sys
import time
import uuid
from datetime import UTC, datetime

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq_scheduler import Scheduler

from pulseguard.queueing import UPKEEP
from pulseguard.redis_client import redis_connection

log = logging.getLogger("pulseguard.jobs.scheduler")  # also when run as __main__
LEADER_KEY = "pulseguard:scheduler:leader"
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
PERIODIC_CHECK_ID = "pulseguard-dispatch"  # if this one is missing, Redis lost the schedule
STANDBY_POLL_S = 0.1  # a standby looks for a lapsed leader lock this often


def periodic_jobs(config) -> list[tuple[str, str, int]]:
    """(job id, function's import path, every N seconds) of each periodic job."""
    return [
        (
            PERIODIC_CHECK_ID,
            "pulseguard.jobs.dispatch.dispatch_due_checks",
            max(1, int(config["DISPATCH_INTERVAL_S"])),
        ),
        (
            "pulseguard-push-sweep",
            "pulseguard.jobs.push_sweep.sweep_push_deadlines",
            max(1, int(config["PUSH_SWEEP_INTERVAL_S"])),
        ),
        (
            "pulseguard-prune",
            "pulseguard.jobs.upkeep.prune_results",
            max(60, int(config["PRUNE_INTERVAL_S"])),
        ),
        (
            "pulseguard-maintenance",
            "pulseguard.monitoring.maintenance.sweep_windows",
            max(1, int(config["MAINTENANCE_INTERVAL_S"])),
        ),
        (
            "pulseguard-reminders",
            "pulseguard.notify.reminders.send_reminders",
            max(10, int(config["REMINDER_INTERVAL_S"])),
        ),
        (
            "pulseguard-resume-deliveries",
            "pulseguard.notify.resume.resume_deliveries",
            max(10, int(config["NOTIFY_RESUME_S"])),
        ),
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
        """Stop on SIGTERM/SIGINT by raising SystemExit in the loop (which then resigns)."""

        def stop(_signum, _frame):
            if not self.stopping:
                self.stopping = True
                raise SystemExit(0)

        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, stop)

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
        return max(3, int(self._interval * 3))

    def acquire_lock(self) -> bool:
        """Become or stay the leader; False while another scheduler leads.

        A standby looks again every STANDBY_POLL_S until its next poll is due, so that it leads
        within that of the lock's expiry: the dispatcher's lookahead (CHECK_LOOKAHEAD_S, 4 s)
        then covers the lock's TTL (3 s) and the checks due meanwhile start on time.
        """
        deadline = time.monotonic() + self._interval * 0.9
        while not self._take_lock() and time.monotonic() + STANDBY_POLL_S < deadline:
            time.sleep(STANDBY_POLL_S)
        return self.leading

    def _take_lock(self) -> bool:
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


def build_scheduler(interval: float, config) -> LeaderScheduler:
    """Return a scheduler that polls every `interval` seconds, with the jobs registered."""
    scheduler = LeaderScheduler(
        queue_name=UPKEEP,
        interval=interval,
        connection=redis_connection(config["REDIS_URL"]),
        config=config,
    )
    register(scheduler, config)
    return scheduler


def run_scheduler(interval: float, config, burst: bool = False) -> None:
    """Run the scheduler loop until stopped; ride out Redis outages instead of exiting."""
    pause, scheduler = 1.0, None
    while True:
        try:
            scheduler = build_scheduler(interval, config)
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
    except (RedisError, OSError):
        pass  # the lock expires by itself


def main(argv: list[str]) -> int:
    """`python -m pulseguard.jobs.scheduler [--interval N] [--burst]`: what start-scheduler runs."""
    from config import config_for
    from pulseguard import logs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=None)
    parser.add_argument("--burst", action="store_true")
    args = parser.parse_args(argv)
    config = settings(config_for())
    logs.configure(config)
    if not config.get("REDIS_URL"):
        print("This process needs REDIS_URL (see `flask start-scheduler`).", file=sys.stderr)
        return 2
    run_scheduler(args.interval or config["DISPATCH_INTERVAL_S"], config, burst=args.burst)
    return 0


def settings(config) -> dict:
    """The upper-case attributes of a config object, as Flask's config.from_object() reads them."""
    return {name: getattr(config, name) for name in dir(config) if name.isupper()}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
