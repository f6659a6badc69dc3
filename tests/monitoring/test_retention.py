"""Pruning: results past RESULT_RETENTION_DAYS go, in batches; --dry-run only counts."""

import time

from pulseguard.extensions import db
from pulseguard.models import PingResult, UptimeRollup
from pulseguard.monitoring.record import record_results
from pulseguard.monitoring.retention import prune
from tests.outcomes import OK, result

DAY = 86400


def seed(sid, published):
    now = time.time()
    ages = [1, 10, 29, 31, 45, 100, 120]  # days
    record_results([result(sid, OK, now - age * DAY) for age in ages])


def test_prune_deletes_old_results_in_batches_and_keeps_recent(ctx, make_server, published):
    sid = make_server()["id"]
    seed(sid, published)
    report = prune(result_days=30, rollup_days=90, batch_size=1)
    assert report["results"] == 4 and report["rollups"] == 2
    ages = sorted(
        round((time.time() - r.checked_at.timestamp()) / DAY) for r in db.session.query(PingResult)
    )
    assert ages == [1, 10, 29]
    assert db.session.query(UptimeRollup).count() == 5


def test_dry_run_counts_without_deleting(ctx, make_server, published):
    sid = make_server()["id"]
    seed(sid, published)
    report = prune(result_days=30, rollup_days=90, dry_run=True)
    assert (report["results"], report["rollups"]) == (4, 2)
    assert db.session.query(PingResult).count() == 7


def test_cli_dry_run_prints_what_it_would_delete(app, make_server, published):
    with app.app_context():
        seed(make_server()["id"], published)
    out = app.test_cli_runner().invoke(args=["prune-results", "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "Would delete 4 ping results older than" in out.output
    assert "(RESULT_RETENTION_DAYS=30)" in out.output
    with app.app_context():
        assert db.session.query(PingResult).count() == 7
    out = app.test_cli_runner().invoke(args=["prune-results"])
    assert "Deleted 4 ping results" in out.output
    with app.app_context():
        assert db.session.query(PingResult).count() == 3
