"""Probes run concurrently, in order, and the scheduled runner starts each at its planned time."""

import time

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


def test_expected_status_parsing():
    assert parse_expected("200-399") == ((200, 399),)
    assert parse_expected("200, 204") == ((200, 200), (204, 204))
    assert status_expected(301, "200-299,301") and not status_expected(302, "200-299,301")
    assert status_expected(200, "garbage") and not status_expected(500, "garbage")
