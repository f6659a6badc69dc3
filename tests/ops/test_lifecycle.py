"""Data lifecycle, end to end: pruning old raw results keeps the uptime users see."""

import time

from pulseguard.extensions import db
from pulseguard.models import PingResult
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result

DAY = 86400


def test_pruned_results_leave_uptime_as_it_was(app, as_alice, make_server):
    sid = make_server()["id"]
    now = time.time()
    with app.app_context():
        # 4 days ago: 3 up, 1 down; today: 2 up.
        old = [
            result(sid, outcome, now - 4 * DAY + i) for i, outcome in enumerate([OK, OK, OK, DOWN])
        ]
        record_results(old + [result(sid, OK, now - 60), result(sid, OK, now - 30)])
    before = as_alice.get("/api/server-status/").json[0]["uptime"]
    assert abs(before["7d"] - 100 * 5 / 6) < 0.01

    app.config["RESULT_RETENTION_DAYS"] = 1
    try:
        out = app.test_cli_runner().invoke(args=["prune-results", "--dry-run"])
        assert "Would delete 4 ping results" in out.output
        with app.app_context():
            assert db.session.query(PingResult).count() == 6  # a dry run deletes nothing
        out = app.test_cli_runner().invoke(args=["prune-results"])
        assert "Deleted 4 ping results" in out.output, out.output
    finally:
        app.config["RESULT_RETENTION_DAYS"] = 30
    with app.app_context():
        assert db.session.query(PingResult).count() == 2
    assert as_alice.get("/api/server-status/").json[0]["uptime"] == before
    assert len(as_alice.get(f"/api/ping-results/?server_id={sid}").json) == 2
