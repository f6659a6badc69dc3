"""State timelines: daily bars from time-weighted intervals, in the page's time zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from pulseguard.extensions import db
from pulseguard.models import Server, StateDay, StateSpan
from pulseguard.monitoring import timeline
from pulseguard.monitoring.bars import daily_bars, uptime_windows
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result

UTC_ZONE = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def created(server, when):
    db.session.execute(update(Server).where(Server.id == server["id"]).values(created_at=at(when)))
    db.session.commit()


def check(server, outcome, when):
    record_results([result(server["id"], outcome, at(when).timestamp())])


def outage(server, start, end):
    check(server, DOWN, start)
    check(server, OK, end)


def summary(bars):
    return [(b["date"], b["status"], b["uptime_pct"], b["downtime_seconds"]) for b in bars]


def test_bars_are_time_weighted_and_empty_before_the_server_existed(ctx, make_server, published):
    server = make_server()
    created(server, "2026-10-20T06:00:00")
    check(server, OK, "2026-10-20T06:00:00")
    outage(server, "2026-10-21T10:00:00", "2026-10-21T10:30:00")
    dates, bars = daily_bars([server["id"]], UTC_ZONE, 5, now=at("2026-10-23T12:00:00"))
    assert dates == ["2026-10-19", "2026-10-20", "2026-10-21", "2026-10-22", "2026-10-23"]
    assert summary(bars[server["id"]]) == [
        ("2026-10-19", "no_data", None, 0),
        ("2026-10-20", "operational", 100.0, 0),
        ("2026-10-21", "outage", round(100 * (86400 - 1800) / 86400, 3), 1800),
        ("2026-10-22", "operational", 100.0, 0),
        ("2026-10-23", "operational", 100.0, 0),
    ]


def test_the_open_interval_counts_until_now(ctx, make_server, published):
    server = make_server()
    created(server, "2026-10-20T00:00:00")
    check(server, OK, "2026-10-20T00:00:00")
    check(server, DOWN, "2026-10-21T23:00:00")  # still down
    _dates, bars = daily_bars([server["id"]], UTC_ZONE, 2, now=at("2026-10-22T06:00:00"))
    assert summary(bars[server["id"]]) == [
        ("2026-10-21", "outage", round(100 * 82800 / 86400, 3), 3600),
        ("2026-10-22", "outage", 0.0, 6 * 3600),
    ]


def test_days_follow_the_page_time_zone_across_both_dst_changes(ctx, make_server, published):
    server = make_server()
    created(server, "2026-03-01T00:00:00")
    check(server, OK, "2026-03-01T00:00:00")
    # 00:30-01:30 in Berlin on 2026-10-25 (the 25-hour day) is 22:30-23:30 UTC on the 24th.
    outage(server, "2026-10-24T22:30:00", "2026-10-24T23:30:00")
    _dates, bars = daily_bars([server["id"]], BERLIN, 3, now=at("2026-10-26T23:30:00"))
    assert summary(bars[server["id"]]) == [
        ("2026-10-25", "outage", round(100 * (90000 - 3600) / 90000, 3), 3600),
        ("2026-10-26", "operational", 100.0, 0),
        ("2026-10-27", "operational", 100.0, 0),
    ]
    _dates, utc_bars = daily_bars([server["id"]], UTC_ZONE, 3, now=at("2026-10-26T12:00:00"))
    assert [b["downtime_seconds"] for b in utc_bars[server["id"]]] == [3600, 0, 0]


def test_the_spring_forward_day_has_23_hours(ctx, make_server, published):
    server = make_server()
    created(server, "2026-03-27T00:00:00")
    check(server, OK, "2026-03-27T00:00:00")
    outage(server, "2026-03-29T00:30:00", "2026-03-29T01:00:00")
    _dates, bars = daily_bars([server["id"]], BERLIN, 2, now=at("2026-03-29T22:30:00"))
    assert summary(bars[server["id"]]) == [
        ("2026-03-29", "outage", round(100 * (82800 - 1800) / 82800, 3), 1800),
        ("2026-03-30", "operational", 100.0, 0),
    ]


def test_a_half_hour_zone_cuts_days_at_quarter_hours(ctx, make_server, published):
    server = make_server()
    created(server, "2026-10-01T00:00:00")
    check(server, OK, "2026-10-01T00:00:00")
    # Kathmandu is UTC+05:45: its 2026-10-11 begins at 18:15 UTC on the 10th.
    outage(server, "2026-10-10T18:00:00", "2026-10-10T18:30:00")
    _dates, bars = daily_bars([server["id"]], ZoneInfo("Asia/Kathmandu"), 2,
                              now=at("2026-10-11T12:00:00"))  # fmt: skip
    assert [b["downtime_seconds"] for b in bars[server["id"]]] == [900, 900]


def test_maintenance_and_pauses_leave_the_uptime_fraction(ctx, make_server, published):
    server = make_server()
    created(server, "2026-10-20T00:00:00")
    check(server, OK, "2026-10-20T00:00:00")
    sid, made = server["id"], at("2026-10-20T00:00:00")
    moves = [
        timeline.Move(sid, "up", "maintenance", at("2026-10-21T02:00:00"), made),
        timeline.Move(sid, "maintenance", "down", at("2026-10-21T04:00:00"), made),
        timeline.Move(sid, "down", "up", at("2026-10-21T05:00:00"), made),
        timeline.Move(sid, "up", "paused", at("2026-10-22T00:00:00"), made),
    ]
    timeline.move(db.session.connection(), moves)
    db.session.commit()
    _dates, bars = daily_bars([sid], UTC_ZONE, 2, now=at("2026-10-22T12:00:00"))
    first, second = bars[sid]
    assert first["maintenance_seconds"] == 7200 and first["downtime_seconds"] == 3600
    assert first["status"] == "outage"
    assert first["uptime_pct"] == round(100 * (86400 - 7200 - 3600) / (86400 - 7200), 3)
    assert (second["status"], second["uptime_pct"], second["downtime_seconds"]) == (
        "no_data",
        None,
        0,
    )
    windows = uptime_windows([sid], now=at("2026-10-22T12:00:00"))[sid]
    assert windows["24h"] == 100.0  # 12 h up, then 12 h paused (left out)


def test_a_pause_through_the_api_moves_the_timeline(ctx, make_server, as_alice, published):
    server = make_server()
    # Created and first checked in the same whole second: no "unknown" time before the check.
    now = datetime.now(UTC).isoformat()[:19]
    created(server, now)
    check(server, OK, now)
    assert (
        as_alice.patch(f"/api/servers/{server['id']}/", json={"status": "paused"}).status_code
        == 200
    )
    span = db.session.scalar(select(StateSpan).where(StateSpan.server_id == server["id"]))
    assert span.state == "paused"
    assert db.session.scalars(select(StateDay)).all() == []  # it was up: nothing counted


def test_prune_keeps_400_days_of_state_rollups(ctx, make_server, published):
    from pulseguard.monitoring.retention import prune

    server = make_server()
    created(server, "2025-01-01T00:00:00")
    check(server, OK, "2025-01-01T00:00:00")
    outage(server, "2025-06-01T10:00:00", "2025-06-01T11:00:00")
    outage(server, "2026-06-01T10:00:00", "2026-06-01T11:00:00")
    report = prune(30, 90, now=at("2026-10-01T00:00:00"))
    assert report["state_days"] == 1
    assert [d.day.isoformat() for d in db.session.scalars(select(StateDay))] == ["2026-06-01"]
