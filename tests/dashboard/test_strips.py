"""The overview's strip: each row carries its last 30 results, oldest first."""

import time

import pytest

from pulseguard.monitoring.record import record_results
from tests.monitoring.conftest import published  # noqa: F401 - recording without side effects
from tests.outcomes import DOWN, OK, result


@pytest.mark.usefixtures("published")
def test_each_overview_row_carries_its_last_30_results(ctx, as_alice, make_server):
    busy = make_server(name="busy")["id"]
    quiet = make_server(name="quiet")["id"]
    start = time.time() - 3600
    outcomes = [DOWN if n % 7 == 0 else OK for n in range(35)]
    for n, outcome in enumerate(outcomes):
        record_results([result(busy, outcome, start + 30 * n)])
    record_results([result(quiet, OK, start)])
    rows = {row["name"]: row for row in as_alice.get("/api/overview/").json}
    strip = rows["busy"]["recent"]
    assert len(strip) == 30
    assert [r["status"] for r in strip] == [o.status for o in outcomes[5:]]  # oldest first
    assert strip == sorted(strip, key=lambda r: r["at"])
    assert set(strip[0]) == {"status", "at", "response_time", "maintenance"}
    assert strip[-1]["response_time"] == OK.response_time_ms and not strip[-1]["maintenance"]
    assert [r["status"] for r in rows["quiet"]["recent"]] == ["success"]


def test_a_new_server_has_an_empty_strip(as_alice, make_server):
    make_server(name="new")
    assert as_alice.get("/api/overview/").json[0]["recent"] == []
