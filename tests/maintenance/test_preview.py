"""POST /api/maintenance-windows/preview/: a schedule checked and shown before it is saved."""

from datetime import datetime
from zoneinfo import ZoneInfo

URL = "/api/maintenance-windows/preview/"
BERLIN = ZoneInfo("Europe/Berlin")


def test_it_answers_the_schedule_in_words_with_its_next_five_occurrences(as_alice):
    rule = {
        "type": "rrule",
        "rrule": "FREQ=MONTHLY;BYDAY=1WE;BYHOUR=19;BYMINUTE=0",
        "dtstart": "2026-01-01T00:00",
        "timezone": "Europe/Berlin",
        "duration": 7200,
    }
    response = as_alice.post(URL, json={"schedule": rule})
    assert response.status_code == 200, response.json
    answer = response.json
    assert answer["summary"] == (
        "Every month on the first Wednesday at 19:00 (Europe/Berlin), for 2 h, "
        "starting 2026-01-01 00:00."
    )
    assert answer["schedule"] == rule
    starts = [datetime.fromisoformat(o["start"]).astimezone(BERLIN) for o in answer["occurrences"]]
    assert len(starts) == 5
    assert all(s.weekday() == 2 and s.day <= 7 and (s.hour, s.minute) == (19, 0) for s in starts)
    assert as_alice.get("/api/maintenance-windows/").json == []  # nothing was saved


def test_a_start_in_the_dst_gap_shows_at_the_first_valid_instant(as_alice):
    rule = {
        "type": "rrule",
        "rrule": "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "dtstart": "2026-01-01T02:30",
        "timezone": "Europe/Berlin",
        "duration": 3600,
    }
    first = as_alice.post(URL, json={"schedule": rule}).json["occurrences"][0]
    start = datetime.fromisoformat(first["start"]).astimezone(BERLIN)
    assert (start.month, start.hour, start.minute) == (3, 3, 0)  # 02:30 does not exist that day


def test_a_wrong_schedule_gets_the_422_a_save_would_get(as_alice):
    bad = {"type": "cron", "expression": "0 0 31 2 *", "timezone": "UTC", "duration": 3600}
    response = as_alice.post(URL, json={"schedule": bad})
    assert response.status_code == 422
    assert response.json["errors"]["json"]["schedule"] == {"expression": ["Never fires."]}
    zone = as_alice.post(URL, json={"schedule": bad | {"timezone": "Mars/Olympus"}})
    assert zone.json["errors"]["json"]["schedule"]["timezone"] == ["Not a valid IANA time zone."]
    assert as_alice.post(URL, json={}).status_code == 422


def test_a_manual_schedule_has_words_and_no_occurrences(as_alice):
    answer = as_alice.post(URL, json={"schedule": {"type": "manual"}}).json
    assert answer["summary"].startswith("Manual") and answer["occurrences"] == []


def test_a_saved_window_carries_its_summary(as_alice):
    body = {
        "name": "patching",
        "schedule": {"type": "cron", "expression": "0 3 * * *", "timezone": "UTC", "duration": 60},
        "all_servers": True,
    }
    window = as_alice.post("/api/maintenance-windows/", json=body).json
    assert window["summary"] == "Every day at 03:00 (UTC), for 1 min."


def test_it_needs_a_credential(client):
    assert client.post(URL, json={"schedule": {"type": "manual"}}).status_code == 401
