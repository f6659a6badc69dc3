"""Uptime over 24 h / 7 d / 30 d from hourly rollups, as the REST API serves it."""

import time

from pulseguard.extensions import db
from pulseguard.models import UptimeRollup
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result

HOUR = 3600


def test_windows_count_only_their_own_checks(ctx, make_server, as_alice, published):
    sid = make_server()["id"]
    now = time.time()
    record_results(
        [
            result(sid, OK, now - 10),
            result(sid, DOWN, now - 2 * HOUR),  # 24 h: 1 of 2
            result(sid, DOWN, now - 3 * 24 * HOUR),  # 7 d: 1 of 3
            result(sid, OK, now - 20 * 24 * HOUR),  # 30 d: 2 of 4
            result(sid, DOWN, now - 40 * 24 * HOUR),  # outside every window
        ]
    )
    body = as_alice.get(f"/api/server-status/?server_id={sid}").json[0]
    assert body["uptime"] == {"24h": 50.0, "7d": 33.33, "30d": 50.0}
    assert body["uptime_percentage"] == 50.0
    assert body["avg_response_time"] == 75.0  # (120 + 30) / 2 within 24 h
    week = as_alice.get(f"/api/server-status/?server_id={sid}&window=7d").json[0]
    assert week["uptime_percentage"] == 33.33


def test_checks_in_the_same_hour_share_one_rollup_row(ctx, make_server, published):
    sid = make_server()["id"]
    start = (int(time.time()) // HOUR) * HOUR + 1
    record_results([result(sid, OK, start), result(sid, DOWN, start + 1)])
    record_results([result(sid, OK, start + 2)])
    rows = db.session.query(UptimeRollup).filter_by(server_id=sid).all()
    assert [(r.total, r.successes, r.response_count) for r in rows] == [(3, 2, 3)]
    assert rows[0].response_time_sum_ms == 270.0


def test_no_checks_means_no_uptime(make_server, as_alice):
    sid = make_server()["id"]
    body = as_alice.get(f"/api/server-status/?server_id={sid}").json[0]
    assert body["uptime"] == {"24h": None, "7d": None, "30d": None}
    assert body["status"] == "unknown"
