"""Times on a public page: the HTML shows them in the page's zone (with the abbreviation of each
side of a DST change), the JSON keeps them in UTC with their offset (§4)."""

import re
from datetime import UTC, datetime

import pytest

import pulseguard.pages.answers as answers
import pulseguard.pages.summary as page_summary
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result
from tests.pages.test_happenings import make_public, window

SUMMARY = "/api/public/status-pages/acme/"


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Set the moment the public answers (summary and bars) are computed at."""

    def set_now(text):
        for module in (answers, page_summary):
            monkeypatch.setattr(module, "utcnow", lambda: at(text))

    return set_now


def shown(html, moment):
    """Return the text of the page's `<time>` elements for a UTC moment."""
    iso = at(moment).isoformat()
    return re.findall(rf'<time[^>]* datetime="{re.escape(iso)}">([^<]*)</time>', html)


def test_an_incident_across_berlins_spring_forward_shows_in_berlin_time(
    ctx, client, clock, page_of, published
):
    _page, web, _db = page_of(timezone="Europe/Berlin")
    # 01:30 CET to 03:30 CEST on 2026-03-29: Berlin's clocks jump from 02:00 to 03:00 at 01:00 UTC.
    record_results([result(web["id"], DOWN, at("2026-03-29T00:30:00").timestamp())])
    record_results([result(web["id"], OK, at("2026-03-29T01:30:00").timestamp())])
    make_public()
    clock("2026-03-30T10:00:00")
    (incident,) = client.get(SUMMARY).json["incidents"]["recent"]
    assert incident["started_at"] == "2026-03-29T00:30:00+00:00"  # the JSON stays in UTC
    assert incident["resolved_at"] == "2026-03-29T01:30:00+00:00"
    html = client.get("/status/acme").get_data(as_text=True)
    assert shown(html, "2026-03-29T00:30:00") == ["2026-03-29 01:30 CET"]
    assert shown(html, "2026-03-29T01:30:00") == ["2026-03-29 03:30 CEST"]
    assert shown(html, "2026-03-30T10:00:00") == ["2026-03-30 12:00:00 CEST"]  # "Updated"
    assert " UTC</time>" not in html and "Times in Europe/Berlin" in html


def test_maintenance_across_new_yorks_spring_forward_shows_in_new_york_time(
    ctx, client, clock, as_alice, page_of
):
    page, _web, _db = page_of(timezone="America/New_York")
    # 01:30 EST to 03:30 EDT on 2027-03-14: New York jumps from 02:00 to 03:00 at 07:00 UTC.
    schedule = {"type": "once", "start": "2027-03-14T06:30:00+00:00",
                "end": "2027-03-14T07:30:00+00:00"}  # fmt: skip
    window(as_alice, schedule=schedule, status_pages=[page["id"]])
    clock("2027-03-13T12:00:00")
    (upcoming,) = client.get(SUMMARY).json["maintenance"]["upcoming"]
    assert (upcoming["start"], upcoming["end"]) == (
        "2027-03-14T06:30:00+00:00",
        "2027-03-14T07:30:00+00:00",
    )
    html = client.get("/status/acme").get_data(as_text=True)
    assert shown(html, "2027-03-14T06:30:00") == ["2027-03-14 01:30 EST"]
    assert shown(html, "2027-03-14T07:30:00") == ["2027-03-14 03:30 EDT"]


def test_a_window_scheduled_in_another_zone_still_reads_in_utc_in_the_json(
    ctx, client, clock, as_alice, page_of
):
    page, _web, _db = page_of(timezone="America/New_York")
    # A daily 09:00 Berlin window: its occurrence is computed in Berlin, answered in UTC.
    schedule = {"type": "cron", "expression": "0 9 * * *", "timezone": "Europe/Berlin",
                "duration": 1800}  # fmt: skip
    window(as_alice, schedule=schedule, status_pages=[page["id"]])
    clock("2026-07-01T00:00:00")
    (upcoming,) = client.get(SUMMARY).json["maintenance"]["upcoming"]
    assert upcoming["start"] == "2026-07-01T07:00:00+00:00"
    html = client.get("/status/acme").get_data(as_text=True)
    assert shown(html, "2026-07-01T07:00:00") == ["2026-07-01 03:00 EDT"]
