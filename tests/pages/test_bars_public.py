"""The daily bars as the public routes show them: days in the page's time zone (23 and 25 hours
on DST days), maintenance counted apart, and no data before a server existed."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

import pulseguard.pages.summary as page_summary
from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.monitoring.maintenance import apply_windows
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result

UPTIME = "/api/public/status-pages/acme/uptime/"


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Set the moment the public answers are computed at."""

    def set_now(text):
        monkeypatch.setattr(page_summary, "utcnow", lambda: at(text))

    return set_now


@pytest.fixture
def monitored(ctx, make_server, published):
    """A server that exists (and is up) since a given moment."""

    def make(since, **fields):
        server = make_server(**fields)
        db.session.execute(
            update(Server).where(Server.id == server["id"]).values(created_at=at(since))
        )
        db.session.commit()
        check(server, OK, since)
        return server

    return make


def check(server, outcome, when):
    record_results([result(server["id"], outcome, at(when).timestamp())])


def outage(server, start, end):
    check(server, DOWN, start)
    check(server, OK, end)


def bars_of(client, days, *servers):
    body = client.get(f"{UPTIME}?days={days}").json
    return body, list(body["components"].values())


def page(make_page, timezone, *servers):
    groups = [{"name": "All", "servers": [{"server": s["id"]} for s in servers]}]
    return make_page(published=True, groups=groups, timezone=timezone)


def test_the_25_hour_day_in_berlin(client, clock, monitored, make_page):
    early = monitored("2026-10-20T00:00:00", name="early")
    late = monitored("2026-10-20T00:00:00", name="late")
    # 00:30-01:30 in Berlin on the 25th (still UTC+2), and 00:00-00:30 on the 26th (UTC+1).
    outage(early, "2026-10-24T22:30:00", "2026-10-24T23:30:00")
    outage(late, "2026-10-25T23:00:00", "2026-10-25T23:30:00")
    page(make_page, "Europe/Berlin", early, late)
    clock("2026-10-26T23:30:00")  # 00:30 on the 27th in Berlin
    body, (early_bars, late_bars) = bars_of(client, 3)
    assert body["timezone"] == "Europe/Berlin"
    assert body["days"] == ["2026-10-25", "2026-10-26", "2026-10-27"]
    assert [b["downtime_seconds"] for b in early_bars] == [3600, 0, 0]
    assert early_bars[0]["uptime_pct"] == round(100 * (25 * 3600 - 3600) / (25 * 3600), 3)
    assert [b["downtime_seconds"] for b in late_bars] == [0, 1800, 0]
    assert late_bars[1]["uptime_pct"] == round(100 * (86400 - 1800) / 86400, 3)
    assert [b["status"] for b in late_bars] == ["operational", "outage", "operational"]


def test_the_23_hour_day_in_sydney(client, clock, monitored, make_page):
    server = monitored("2026-09-20T00:00:00")
    # Sydney springs forward on 2026-10-04: that day runs 14:00 UTC on the 3rd to 13:00 on the 4th.
    outage(server, "2026-10-04T12:30:00", "2026-10-04T13:30:00")
    page(make_page, "Australia/Sydney", server)
    clock("2026-10-05T20:00:00")  # 07:00 on the 6th in Sydney
    body, [bars] = bars_of(client, 3)
    assert body["days"] == ["2026-10-04", "2026-10-05", "2026-10-06"]
    assert [b["downtime_seconds"] for b in bars] == [1800, 1800, 0]
    assert bars[0]["uptime_pct"] == round(100 * (23 * 3600 - 1800) / (23 * 3600), 3)
    assert bars[1]["uptime_pct"] == round(100 * (86400 - 1800) / 86400, 3)


def test_a_maintenance_window_mid_day_is_counted_apart(
    client, clock, monitored, make_page, as_alice
):
    server = monitored("2026-10-20T00:00:00")
    # Saving a window applies it at the real time: its daily hour must not cover the real now,
    # or the server enters it today and the sweeps below find it in maintenance already (this
    # failed when the suite ran between 10:00 and 12:30 UTC).
    hour = 20 if 9 <= datetime.now(UTC).hour < 13 else 10
    window = {
        "name": "db upgrade",
        "schedule": {"type": "cron", "expression": f"0 {hour} * * *", "timezone": "UTC",
                     "duration": 9000},
        "all_servers": True,
    }  # fmt: skip
    assert as_alice.post("/api/maintenance-windows/", json=window).status_code == 201
    # The sweep runs at the start and end (2 h 30 later) on the 21st only (one occurrence).
    apply_windows(now=at(f"2026-10-21T{hour}:00:00"))
    apply_windows(now=at(f"2026-10-21T{hour + 2}:30:00"))
    check(server, OK, f"2026-10-21T{hour + 2}:30:05")
    outage(server, "2026-10-22T08:00:00", "2026-10-22T08:30:00")
    page(make_page, "UTC", server)
    clock("2026-10-23T12:00:00")
    _body, [bars] = bars_of(client, 3)
    window_day, outage_day, today = bars
    assert window_day["status"] == "maintenance"
    assert window_day["maintenance_seconds"] == 9000 and window_day["downtime_seconds"] == 0
    assert window_day["uptime_pct"] == 100.0  # maintenance leaves the fraction
    assert (outage_day["status"], outage_day["maintenance_seconds"]) == ("outage", 0)
    assert outage_day["uptime_pct"] == round(100 * (86400 - 1800) / 86400, 3)
    assert today == today | {"status": "operational", "uptime_pct": 100.0}
    html = client.get("/status/acme").get_data(as_text=True)
    assert 'title="2026-10-21: maintenance, 100.00%, maintenance 150 min"' in html  # tooltip
    # Screen readers get one summary per component (the list's label), not one text per bar.
    label = (
        'role="img" aria-label="Daily status over the last 90 days (UTC): 2 operational, 1 outage,'
        " 1 maintenance, 86 no data. 2026-10-21: maintenance, 100.00%, maintenance 150 min."
        f' 2026-10-22: outage, {outage_day["uptime_pct"]:.2f}%, down 30 min."'
    )
    assert label in html and 'class="sr"' not in html


def test_days_before_a_server_existed_have_no_data(client, clock, monitored, make_page):
    old = monitored("2026-10-01T00:00:00", name="old")
    new = monitored("2026-10-21T18:00:00", name="new")  # created late on the second day
    outage(new, "2026-10-21T20:00:00", "2026-10-21T21:00:00")
    page(make_page, "UTC", old, new)
    clock("2026-10-22T12:00:00")
    _body, (old_bars, new_bars) = bars_of(client, 3)
    assert [b["status"] for b in old_bars] == ["operational"] * 3
    assert [b["status"] for b in new_bars] == ["no_data", "outage", "operational"]
    assert new_bars[0]["uptime_pct"] is None
    assert new_bars[1]["uptime_pct"] == round(100 * 5 / 6, 3)  # 6 h known, 1 h down
