"""Probes run concurrently, in order, and the scheduled runner starts each at its planned time."""

import time

import gevent

from pulseguard.checks.expected import parse_expected, status_expected
from pulseguard.checks.runner import ScheduledRunner, run_batch
from pulseguard.kinds import draft_target
from tests.targets import refused_port, wait_for


def target(i, port, path="/"):
    return draft_target("http", id=i, host="127.0.0.1", port=port, path=path)


def test_batch_runs_probes_concurrently_and_keeps_order(web):
    targets = [target(i, web.port, "/sleep/200") for i in range(10)]
    targets.append(target(99, refused_port()))
    results = run_batch(targets, pool_size=20)
    assert [t.id for t, *_ in results] == [*range(10), 99]
    assert [o.status for *_, o in results] == ["success"] * 10 + ["error"]
    assert web.app.max_active > 1


def test_pool_size_bounds_concurrency(web):
    run_batch([target(i, web.port, "/sleep/50") for i in range(12)], pool_size=3)
    assert web.app.max_active == 3


def test_scheduled_probe_starts_at_its_planned_time(web):
    results = []
    runner = ScheduledRunner(results.append, concurrency=10)
    planned = time.time() + 0.3
    runner.submit(target(1, web.port), planned)
    runner.submit(target(2, web.port), time.time() - 5)  # late: starts at once
    wait_for(lambda: len(results) == 2)
    by_id = {t.id: (p, started, o) for t, p, started, o in results}
    assert by_id[1][1] >= planned and by_id[1][2].ok
    assert by_id[2][1] < planned
    assert runner.wait_idle(1)


def test_probes_start_in_planned_order_none_before_its_time(web):
    results = []
    runner = ScheduledRunner(results.append, concurrency=50)
    now = time.time()
    plan = {i: now + 0.05 * (i % 7) + 0.001 * i for i in range(1, 31)}
    for i, planned in sorted(plan.items(), key=lambda item: -item[1]):  # submitted latest first
        runner.submit(target(i, web.port), planned)
    assert runner.wait_idle(10)
    assert len(results) == 30 and all(o.ok for *_, o in results)
    assert all(started >= plan[t.id] for t, _p, started, _o in results)
    by_start = [t.id for t, *_ in sorted(results, key=lambda r: r[2])]
    assert by_start == sorted(plan, key=plan.get)


def test_a_probe_due_before_the_clock_wakes_does_not_wait_for_it(web):
    results = []
    runner = ScheduledRunner(results.append, concurrency=10)
    later = time.time() + 1.5
    runner.submit(target(1, web.port), later)
    gevent.sleep(0.05)  # the clock now sleeps until then
    runner.submit(target(2, web.port), time.time() + 0.05)
    wait_for(lambda: len(results) == 1)
    ((first, _planned, started, outcome),) = results
    assert first.id == 2 and outcome.ok and started < later
    assert runner.wait_idle(5) and len(results) == 2


def test_the_clock_starts_again_after_nothing_waited(web):
    results = []
    runner = ScheduledRunner(results.append, concurrency=10)
    runner.submit(target(1, web.port), time.time())
    assert runner.wait_idle(5)
    wait_for(lambda: runner.clock is None)  # nothing waits: the clock has ended
    runner.submit(target(2, web.port), time.time() + 0.05)
    assert runner.wait_idle(5)
    assert [t.id for t, *_ in results] == [1, 2]


def test_probes_planned_at_one_instant_all_run(web):
    results = []
    runner = ScheduledRunner(results.append, concurrency=100)
    planned = time.time() + 0.1
    for i in range(200):
        runner.submit(target(i, web.port), planned)
    assert runner.wait_idle(10)
    assert sorted(t.id for t, *_ in results) == list(range(200))
    assert all(o.ok and started >= planned for _t, _p, started, o in results)


def test_expected_status_parsing():
    assert parse_expected("200-399") == ((200, 399),)
    assert parse_expected("200, 204") == ((200, 200), (204, 204))
    assert status_expected(301, "200-299,301") and not status_expected(302, "200-299,301")
    assert status_expected(200, "garbage") and not status_expected(500, "garbage")
