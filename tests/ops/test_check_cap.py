"""CHECK_MAX_PENDING with the Procfile's real processes: a worker holds at most that many checks.

The checks a worker holds are its probes waiting or running and its results not recorded yet,
including the batch its writer is recording. Recording is held up here by a transaction of the
test that locks ping_results against writes (SHARE mode: reads go on, so the scheduler keeps
dispatching and the worker keeps being offered jobs): the results the worker got stay in its
writer's hands, and it must take no more checks until they are recorded.
"""

from contextlib import contextmanager

import psycopg
import pytest
import redis

from tests.ops.checks import create_servers, every_server_checked, now, settle
from tests.ops.stack import wait_for
from tests.ops.target import Target

pytestmark = pytest.mark.once
CAP = 2
SERVERS = 8


@pytest.fixture
def target():
    server = Target()
    yield server
    server.stop()


def recorded(stack) -> int:
    return stack.database.query("SELECT count(*) FROM ping_results")[0][0]


@contextmanager
def recording_held_up(stack, target):
    """Start the processes with a cap of CAP, hold recording up with a lock, create the servers;
    yield (their ids, when) once the worker probes its first CAP; the lock ends on leaving."""
    # One server per batch job, so that the cap is what stops the worker, not a job's size.
    stack.env.update(CHECK_MAX_PENDING=str(CAP), CHECK_BATCH_SIZE="1")
    stack.start_web()
    stack.start_worker("worker1")
    stack.start_scheduler()
    # The scheduler's first upkeep prunes ping_results, on this worker: let it finish first.
    wait_for(lambda: "Pruned" in stack.log("worker1"), 30, what="the first prune")
    with psycopg.connect(stack.database.url) as lock:
        lock.execute("LOCK TABLE ping_results IN SHARE MODE")  # held until the rollback below
        ids = create_servers(stack, target, SERVERS, interval_s=60)
        begin = now()
        wait_for(lambda: sum(target.hits.values()) >= CAP, 30, what="the first probes")
        yield ids, begin
        lock.rollback()


def test_a_worker_whose_recording_is_held_up_takes_no_more_than_its_cap(stack, target):
    with recording_held_up(stack, target) as (ids, begin):
        # The scheduler offers the other servers every second (they are all due); the worker's
        # writer holds the first CAP results, blocked on the lock. Before the fix the worker took
        # CAP more while its writer held the first CAP (the batch in hand was not counted).
        settle(5)
        assert recorded(stack) == 0  # the lock held: nothing could be recorded
        assert sum(target.hits.values()) == CAP, dict(target.hits)
        waiting = redis.Redis(port=stack.redis.port).llen("rq:queue:checks")
        assert waiting >= 1  # jobs were there to take: the cap is what held the worker back
    # Recording resumes: the worker takes the rest, CAP at a time, and every server is checked.
    wait_for(lambda: every_server_checked(stack, ids, begin), 60, what="every server checked")
    assert sum(target.hits.values()) == SERVERS
    assert recorded(stack) == SERVERS


def upkeep_runs(stack) -> int:
    """How many dispatch jobs the worker has finished (the scheduler enqueues one every second)."""
    return stack.log("worker1").count("job pulseguard-dispatch result")


def test_a_worker_held_at_its_cap_still_runs_its_upkeep_jobs(stack, target):
    with recording_held_up(stack, target):
        settle(2)  # at its cap now, with batches waiting
        before = upkeep_runs(stack)
        settle(5)
        # Before, the worker sat in the batch job it could not start: no upkeep job ran at all.
        assert upkeep_runs(stack) - before >= 2
        assert sum(target.hits.values()) == CAP  # and it still took no more checks
