"""Schedules on real time zones and DST days: Europe/Berlin and America/New_York, 2026."""

from datetime import UTC, datetime

import pytest

from pulseguard import schedules
from pulseguard.schedules import ScheduleError

BEFORE = datetime(2026, 1, 1, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def cron(expression, timezone="UTC", duration=3600, **more):
    spec = {"type": "cron", "expression": expression, "timezone": timezone, "duration": duration}
    return schedules.parse(spec | more, BEFORE)


def rrule(rule, dtstart, timezone="UTC", duration=3600):
    spec = {"type": "rrule", "rrule": rule, "dtstart": dtstart, "timezone": timezone}
    return schedules.parse(spec | {"duration": duration}, BEFORE)


def error_of(spec):
    with pytest.raises(ScheduleError) as raised:
        schedules.parse(spec, BEFORE)
    return raised.value.field, raised.value.message


def test_a_cron_start_in_the_berlin_spring_gap_moves_to_three_oclock():
    nightly = cron("30 2 * * *", "Europe/Berlin", duration=7200)
    starts = [s for s, _ in nightly.upcoming(utc(2026, 3, 27, 12), 3)]
    # 02:30 CET = 01:30 UTC; on the 29th 02:30 does not exist: 03:00 CEST = 01:00 UTC.
    assert starts == [utc(2026, 3, 28, 1, 30), utc(2026, 3, 29, 1), utc(2026, 3, 30, 0, 30)]


def test_an_rrule_start_in_the_berlin_spring_gap_is_normalised_not_left_nonexistent():
    nightly = rrule("FREQ=DAILY", "2026-03-27T02:30", "Europe/Berlin")
    starts = [s for s, _ in nightly.upcoming(utc(2026, 3, 27), 4)]
    # dateutil alone gives 02:30+01:00 (= 03:30 CEST) on the 29th; normalised it is 03:00 CEST.
    assert starts == [
        utc(2026, 3, 27, 1, 30),
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 29, 1, 0),
        utc(2026, 3, 30, 0, 30),
    ]


def test_duration_is_elapsed_time_across_the_new_york_fall_back():
    # 2026-11-01: 02:00 EDT becomes 01:00 EST. A 2 h window from 01:30 (first, EDT) lasts 2 h.
    window = rrule("FREQ=DAILY", "2026-10-30T01:30", "America/New_York", duration=7200)
    start, end = window.upcoming(utc(2026, 11, 1), 1)[0]
    assert start == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, the first of the two 01:30s (fold=0)
    assert end - start == (end - start).__class__(hours=2)
    assert window.current(utc(2026, 11, 1, 7, 15)) == (start, end)  # 02:15 EST, still inside
    assert window.current(utc(2026, 11, 1, 7, 30)) is None


def test_a_cron_window_on_the_new_york_fall_back_day_runs_once():
    nightly = cron("30 1 * * *", "America/New_York")
    starts = [s for s, _ in nightly.upcoming(utc(2026, 10, 31, 12), 2)]
    assert starts == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]


def test_first_wednesday_stays_at_seven_pm_local_across_dst():
    monthly = rrule(
        "FREQ=MONTHLY;BYDAY=1WE;BYHOUR=19;BYMINUTE=0", "2026-02-01T00:00", "Europe/Berlin"
    )
    starts = [s for s, _ in monthly.upcoming(utc(2026, 2, 1), 3)]
    assert starts == [utc(2026, 2, 4, 18), utc(2026, 3, 4, 18), utc(2026, 4, 1, 17)]
    same = cron("0 19 * * 3#1", "Europe/Berlin")
    assert [s for s, _ in same.upcoming(utc(2026, 2, 1), 3)] == starts


def test_cron_ors_day_of_month_with_day_of_week():
    wrong = cron("0 19 1-7 * 3", duration=600)
    days = [s.day for s, _ in wrong.upcoming(utc(2026, 4, 1), 9)]
    assert days == [1, 2, 3, 4, 5, 6, 7, 8, 15]  # days 1-7 and every Wednesday (the 8th, 15th)


def test_current_holds_inside_an_occurrence_only():
    daily = cron("0 22 * * *", "UTC", duration=3600)
    assert daily.current(utc(2026, 5, 5, 22, 30)) == (utc(2026, 5, 5, 22), utc(2026, 5, 5, 23))
    assert daily.current(utc(2026, 5, 5, 23)) is None
    assert daily.current(utc(2026, 5, 5, 21, 59)) is None


def test_cron_dates_bound_the_occurrences():
    bounded = cron("0 3 * * *", starts_on="2026-06-01", ends_on="2026-06-03")
    starts = [s for s, _ in bounded.upcoming(utc(2026, 5, 1), 10)]
    assert starts == [utc(2026, 6, 1, 3), utc(2026, 6, 2, 3), utc(2026, 6, 3, 3)]
    assert bounded.current(utc(2026, 6, 4, 3, 30)) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("61 * * * *", "Bad minute."),
        ("* * *", "Wrong number of fields."),
        ("0 0 31 2 *", "Never fires."),
    ],
)
def test_bad_cron_expressions_say_why(expression, message):
    spec = {"type": "cron", "expression": expression, "timezone": "UTC", "duration": 60}
    assert error_of(spec) == ("expression", message)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"timezone": "Mars/Olympus"}, ("timezone", "Not a valid IANA time zone.")),
        ({"rrule": "FREQ=SOMETIMES"}, ("rrule", "invalid 'FREQ': SOMETIMES")),
        ({"rrule": "FREQ=MINUTELY"}, ("rrule", "FREQ must be HOURLY or longer.")),
        ({"rrule": "FREQ=DAILY;COUNT=10001"}, ("rrule", "COUNT must be at most 10000.")),
        ({"rrule": "FREQ=DAILY;COUNT=2"}, ("rrule", "Has no future occurrence.")),
        ({"duration": 86400}, ("duration", "Longer than the time between occurrences.")),
        ({"duration": 30}, ("duration", "Must be between 60 and 2678400.")),
    ],
)
def test_bad_rrules_say_why(spec, expected):
    base = {
        "type": "rrule",
        "rrule": "FREQ=DAILY",
        "dtstart": "2025-06-01T02:00",
        "timezone": "UTC",
        "duration": 3600,
    }
    assert error_of(base | spec) == expected


def test_legacy_zone_names_are_stored_by_their_current_name():
    kyiv = cron("0 3 * * *", "Europe/Kiev")
    assert kyiv.to_spec()["timezone"] == "Europe/Kyiv"


def test_a_once_window_must_end_after_its_start_and_in_the_future():
    later = {"type": "once", "start": "2026-06-01T10:00:00Z"}
    assert error_of(later | {"end": "2026-06-01T09:00:00Z"}) == ("end", "Must be after start.")
    assert error_of(
        {"type": "once", "start": "2025-01-01T00:00:00Z", "end": "2025-01-02T00:00:00Z"}
    ) == (
        "end",
        "Must be in the future.",
    )


def test_a_stored_spec_is_read_back_without_the_save_time_rules():
    once = schedules.parse(
        {"type": "once", "start": "2026-06-01T10:00:00Z", "end": "2026-06-01T12:00:00Z"}, BEFORE
    )
    again = schedules.parse(once.to_spec(), validate=False)  # its end is in the past by now
    assert again.current(utc(2026, 6, 1, 11)) == (utc(2026, 6, 1, 10), utc(2026, 6, 1, 12))
