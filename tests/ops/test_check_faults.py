"""Faults under the check pipeline, with the Procfile's real processes (see tests/ops/stack.py)."""

import signal

import pytest
import requests

from tests.ops.checks import (
    create_servers,
    every_server_checked,
    now,
    results_by_server,
    rollups_match_results,
    settle,
    smallest_gap_s,
)
from tests.ops.sse import SseReader
from tests.ops.stack import wait_for
from tests.ops.target import Target

pytestmark = pytest.mark.once
INTERVAL_S = 2
NOT_TWICE_S = 0.5  # two results of one server closer than this mean a check ran twice


@pytest.fixture
def target():
    server = Target()
    yield server
    server.stop()


def started(stack, workers=2, schedulers=1):
    stack.start_web()
    for index in range(workers):
        stack.start_worker(f"worker{index + 1}")
    for index in range(schedulers):
        stack.start_scheduler(f"scheduler{index + 1}")
    return stack


def test_a_second_scheduler_does_not_double_the_checks(stack, target):
    started(stack, workers=2, schedulers=2)
    ids = create_servers(stack, target, 20, interval_s=INTERVAL_S)
    begin = now()
    wait_for(lambda: every_server_checked(stack, ids, begin), 30, what="first checks")
    settle(5 * INTERVAL_S)
    counts = [len(times) for times in results_by_server(stack, begin).values()]
    assert max(counts) <= (now() - begin).total_seconds() / INTERVAL_S + 2
    assert smallest_gap_s(stack) >= NOT_TWICE_S

    # The leader stops (as in a deploy): the standby takes over, checks go on.
    leader = "scheduler1" if "now the leader" in stack.log("scheduler1") else "scheduler2"
    stack.signal(leader, signal.SIGTERM)
    assert stack.processes[leader].wait(20) == 0
    after = now()
    wait_for(lambda: every_server_checked(stack, ids, after), 20, what="checks after failover")
    assert smallest_gap_s(stack) >= NOT_TWICE_S


def test_checks_resume_after_redis_restarts(stack, target):
    started(stack)
    ids = create_servers(stack, target, 20, interval_s=INTERVAL_S)
    begin = now()
    wait_for(lambda: every_server_checked(stack, ids, begin), 30, what="first checks")

    stream = SseReader(stack.base, stack.token)
    wait_for(lambda: stream.ping_ids, 20, what="live pings")
    first_seen = max(stream.ping_ids)  # the opening holds the latest pings; all later ones follow

    stack.redis.stop()
    settle(3)
    assert stack.api("GET", "/api/servers/").status_code == 200  # REST answers without Redis
    stack.redis.start()
    restarted = now()
    wait_for(lambda: every_server_checked(stack, ids, restarted), 30, what="checks after restart")
    assert all(process.poll() is None for process in stack.processes.values())
    assert smallest_gap_s(stack) >= NOT_TWICE_S
    assert rollups_match_results(stack)[0]

    # The same stream resumed, and caught up with what was recorded while the bus was away.
    stack.signal("scheduler1", signal.SIGTERM)
    stack.processes["scheduler1"].wait(20)
    settle(3)
    newest = stack.database.query("SELECT max(id) FROM ping_results")[0][0]
    wait_for(lambda: newest in stream.ping_ids, 20, what="the newest ping on the stream")
    recorded = {
        row[0]
        for row in stack.database.query("SELECT id FROM ping_results WHERE id >= %s", first_seen)
    }
    assert stream.ended_cleanly is None  # still open
    assert recorded - stream.ping_ids == set()
    stream.close()
    # Every lease lapsed while Redis was away and both workers lived: once back, neither took
    # the other's claims over (each waits 5 s for leases it has not seen renewed since).
    settle(max(0.0, 5.5 - (now() - restarted).total_seconds()))
    assert "Took over" not in stack.log("worker1") + stack.log("worker2")


def test_checks_resume_after_redis_loses_its_data(stack, target):
    started(stack)
    ids = create_servers(stack, target, 10, interval_s=INTERVAL_S)
    begin = now()
    wait_for(lambda: every_server_checked(stack, ids, begin), 30, what="first checks")

    stack.redis.stop(save=False)  # restarted empty: queues, schedules and locks are gone
    stack.redis.start()
    restarted = now()
    wait_for(lambda: every_server_checked(stack, ids, restarted), 40, what="checks after restart")
    assert smallest_gap_s(stack) >= NOT_TWICE_S


def test_a_worker_killed_mid_batch_loses_only_its_own_round(stack, target):
    started(stack)
    ids = create_servers(stack, target, 30, path="/slow/1500", interval_s=4)
    wait_for(lambda: sum(target.hits.values()) >= 30, 30, what="first checks")

    stack.processes["worker1"].send_signal(signal.SIGKILL)  # probes in flight die with it
    killed = now()
    # Each server is checked again within one interval (plus the probe's 1.5 s) by the survivor.
    wait_for(lambda: every_server_checked(stack, ids, killed), 4 + 1.5 + 4, what="re-checks")
    assert smallest_gap_s(stack) >= NOT_TWICE_S  # none double-recorded
    assert rollups_match_results(stack)[0]


def test_sigterm_on_a_worker_finishes_its_probes_in_flight(stack, target):
    stack.start_web()
    stack.start_worker("worker1")
    stack.start_scheduler()
    ids = create_servers(stack, target, 20, path="/slow/2000", interval_s=30)
    # Wait until the worker holds probes in flight: the target has seen requests not yet answered.
    wait_for(lambda: sum(target.hits.values()) > 0, 30, what="probes at the target")
    settle(0.5)
    stack.signal("worker1", signal.SIGTERM)
    assert stack.processes["worker1"].wait(30) == 0
    stack.signal("scheduler", signal.SIGTERM)
    answered = sum(target.hits.values())
    recorded = sum(len(t) for t in results_by_server(stack).values())
    assert answered == len(ids)
    assert recorded == answered  # every probe that got its answer was recorded before exit
    assert rollups_match_results(stack)[0]
    assert requests.get(stack.base + "/healthz", timeout=5).ok


def terminate_connections(stack):
    """Kill every PostgreSQL connection to this test's database (not the shared server)."""
    return stack.database.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        stack.database.name,
    )


def stop_checking(stack, *workers):
    """Stop the scheduler, then the workers (they finish and record their probes)."""
    stack.signal("scheduler1", signal.SIGTERM)
    assert stack.processes["scheduler1"].wait(20) == 0
    for name in workers:
        stack.signal(name, signal.SIGTERM)
    for name in workers:
        assert stack.processes[name].wait(30) == 0, stack.log(name)[-3000:]


def test_database_connections_cut_mid_run_lose_no_result(stack, target):
    """PostgreSQL "restarts" for this database only: its connections are terminated repeatedly.

    The shared PostgreSQL serves other test sessions, so it is never restarted; terminating every
    backend of this test's database is what the processes see of a restart (their connections die
    mid-transaction and new ones are refused for a moment).
    """
    started(stack)
    ids = create_servers(stack, target, 20, interval_s=INTERVAL_S)
    begin = now()
    wait_for(lambda: every_server_checked(stack, ids, begin), 30, what="first checks")
    for _ in range(15):
        terminate_connections(stack)
        settle(0.3)
    cut_over = now()
    wait_for(lambda: every_server_checked(stack, ids, cut_over), 30, what="checks after the cuts")
    assert stack.api("GET", "/api/servers/").status_code == 200

    stop_checking(stack, "worker1", "worker2")
    answered = sum(target.hits.values())
    recorded = sum(len(times) for times in results_by_server(stack).values())
    assert recorded == answered  # every probe that got its answer was recorded, none twice
    assert rollups_match_results(stack) == (True, [])


def late_on_the_grid(times: list, interval_s: float) -> list[float]:
    """How late each check started, on its server's grid of planned times (anchored at the last)."""
    anchor = times[-1]
    delays = []
    for at in times:
        offset = (at - anchor).total_seconds()
        delays.append(offset - round(offset / interval_s) * interval_s)
    return delays


def test_the_standby_leads_before_a_check_is_late_when_the_leader_is_killed(stack, target):
    # The leader SIGKILLed (its host lost): the standby looks for the leader lock every 100 ms and
    # leads within its TTL (3 s), inside the dispatcher's 4 s lookahead, so no check starts late.
    # Before (TTL 5 s, looked for once a second) the checks due 4-6 s after the death waited for
    # the standby's first dispatch and started up to 2 s late.
    interval = 10
    started(stack, workers=2, schedulers=2)
    ids = create_servers(stack, target, 50, interval_s=interval)
    stack.database.query(
        "UPDATE servers SET next_check_at = now() + (id %% 50) * interval '200 milliseconds'"
    )
    spread = now()
    wait_for(lambda: every_server_checked(stack, ids, spread), 30, what="the spread checks")
    begin = now()
    leader = "scheduler1" if "now the leader" in stack.log("scheduler1") else "scheduler2"
    standby = "scheduler2" if leader == "scheduler1" else "scheduler1"
    settle(2)
    stack.processes[leader].kill()
    stack.processes[leader].wait(10)
    killed = now()
    wait_for(lambda: "now the leader" in stack.log(standby), 20, what="the standby leading")
    settle(interval + 2)  # every server's check due in the interval after the death has run
    found = results_by_server(stack, begin)
    assert set(found) == set(ids)
    assert all(max(times) > killed for times in found.values())
    late = {
        sid: delay
        for sid, times in found.items()
        for delay in late_on_the_grid(times, interval)
        if delay > 1.0
    }
    assert late == {}
    missed = [
        sid
        for sid, times in found.items()
        if round((times[-1] - times[0]).total_seconds() / interval) + 1 != len(times)
    ]
    assert missed == []
