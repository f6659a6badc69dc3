"""Schedules in words: what the dashboard shows next to a window's next occurrences."""

import pytest

from pulseguard.schedules.words import cron_words, describe, duration_words, rrule_words


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("0 3 * * *", "Every day at 03:00"),
        ("0 19 * * 3#1", "At 19:00, on the first Wednesday of the month"),
        # cron ORs day-of-month with day-of-week: the words say both (API-NEXT §2)
        ("0 19 1-7 * 3", "At 19:00, on days 1 to 7 of the month and on Wednesdays"),
        ("0 9,13,17 * * MON-FRI", "At 09:00, 13:00 and 17:00, on Monday to Friday"),
        ("0 */6 * * *", "Every day at 00:00, 06:00, 12:00 and 18:00"),
        ("*/15 * * * 1-5", "Every 15 minutes of every hour, on Monday to Friday"),
        ("15 * * * *", "Every hour at minute 15"),
        ("0 0 L * *", "At 00:00, on the last day of the month"),
        ("0 22 * * 5L", "At 22:00, on the last Friday of the month"),
        ("0 4 * 1,7 0", "At 04:00, on Sundays in January and July"),
        ("0 3 1,15 * *", "At 03:00, on days 1 and 15 of the month"),
    ],
)
def test_cron_expressions_read_as_english(expression, words):
    assert cron_words(expression) == words


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (
            "FREQ=MONTHLY;BYDAY=1WE;BYHOUR=19;BYMINUTE=0",
            "Every month on the first Wednesday at 19:00",
        ),
        ("FREQ=WEEKLY;BYDAY=MO,FR", "Every week on Monday and Friday at 02:30"),
        ("FREQ=DAILY;INTERVAL=2;COUNT=10", "Every 2 days at 02:30, 10 times"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20271231T000000",
            "Every month on the last day at 02:30, until 2027-12-31",
        ),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", "Every year in December on day 24 at 02:30"),
        ("FREQ=HOURLY;INTERVAL=6", "Every 6 hours at minute 30"),
    ],
)
def test_rrules_read_as_english_with_the_time_of_dtstart(rule, words):
    assert rrule_words(rule, "2026-03-29T02:30") == words


def test_what_the_words_do_not_cover_is_quoted_as_written_not_guessed():
    spec = {
        "type": "rrule",
        "rrule": "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1",
        "dtstart": "2026-01-05T03:00",
        "timezone": "UTC",
        "duration": 3600,
    }
    assert describe(spec) == (
        "RRULE “FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1” (UTC), for 1 h, starting 2026-01-05 03:00."
    )


def test_each_form_names_its_time_zone_duration_and_dates():
    cron = {
        "type": "cron",
        "expression": "0 19 * * 3#1",
        "timezone": "Europe/Berlin",
        "duration": 5400,
        "starts_on": "2026-12-01",
        "ends_on": None,
    }
    assert describe(cron) == (
        "At 19:00, on the first Wednesday of the month (Europe/Berlin), for 1 h 30 min, "
        "from 2026-12-01."
    )
    once = {
        "type": "once",
        "start": "2026-12-02T19:00:00+00:00",
        "end": "2026-12-03T07:00:00+00:00",
    }
    assert describe(once) == "Once, from 2026-12-02 19:00 UTC to 2026-12-03 07:00 UTC."
    assert describe({"type": "manual"}) == "Manual: in force only between Start and Stop."
    assert duration_words(2 * 86400 + 60) == "2 d 1 min"
