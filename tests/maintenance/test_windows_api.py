"""Maintenance windows over REST: create, validate, list, start/stop, occurrences, ownership."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

URL = "/api/maintenance-windows/"
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = (datetime.now(BERLIN) + timedelta(hours=6)).hour  # never in force while a test runs
NIGHTLY = {
    "type": "cron",
    "expression": f"0 {HOUR} * * *",
    "timezone": "Europe/Berlin",
    "duration": 3600,
}


def iso(moment):
    return moment.isoformat()


def later(**delta):
    return datetime.now(UTC) + timedelta(**delta)


@pytest.fixture
def make_window(as_alice):
    def make(api=None, **fields):
        body = {"name": "patching", "schedule": NIGHTLY, "all_servers": True} | fields
        response = (api or as_alice).post(URL, json=body)
        assert response.status_code == 201, response.json
        return response.json

    return make


def test_it_creates_a_cron_window_with_its_next_five_occurrences(as_alice, alice, make_server):
    server = make_server()
    window = as_alice.post(
        URL, json={"name": "patching", "schedule": NIGHTLY, "servers": [server["id"]]}
    ).json
    assert window["servers"] == [server["id"]] and window["owner"] == alice.id
    assert window["checks"] == "run" and window["uptime"] == "exclude"
    assert window["tag_match"] == "any" and window["enabled"] is True
    assert window["state"] == "scheduled" and window["current"] is None
    starts = [datetime.fromisoformat(o["start"]) for o in window["occurrences"]]
    assert len(starts) == 5 and window["next"]["start"] == window["occurrences"][0]["start"]
    assert all(s.astimezone(BERLIN).hour == HOUR for s in starts)
    assert window["schedule"] == NIGHTLY | {"starts_on": None, "ends_on": None}


def test_an_rrule_window_and_a_once_window_are_accepted(make_window):
    rule = {
        "type": "rrule",
        "rrule": "FREQ=MONTHLY;BYDAY=1WE;BYHOUR=19;BYMINUTE=0",
        "dtstart": "2026-01-01T00:00",
        "timezone": "America/New_York",
        "duration": 7200,
    }
    monthly = make_window(schedule=rule)
    assert len(monthly["occurrences"]) == 5
    once = make_window(
        schedule={"type": "once", "start": iso(later(hours=1)), "end": iso(later(hours=2))}
    )
    assert once["state"] == "scheduled" and len(once["occurrences"]) == 1


@pytest.mark.parametrize(
    ("fields", "path", "message"),
    [
        ({"schedule": NIGHTLY | {"expression": "61 * * * *"}}, "expression", "Bad minute."),
        ({"schedule": NIGHTLY | {"expression": "* * *"}}, "expression", "Wrong number of fields."),
        ({"schedule": NIGHTLY | {"expression": "0 0 31 2 *"}}, "expression", "Never fires."),
        (
            {"schedule": NIGHTLY | {"timezone": "Mars/Olympus"}},
            "timezone",
            "Not a valid IANA time zone.",
        ),
        (
            {"schedule": NIGHTLY | {"duration": 90000}},
            "duration",
            "Longer than the time between occurrences.",
        ),
        (
            {
                "schedule": {
                    "type": "rrule",
                    "rrule": "FREQ=SOMETIMES",
                    "dtstart": "2026-01-01T00:00",
                    "duration": 60,
                }
            },
            "rrule",
            "invalid 'FREQ': SOMETIMES",
        ),
        (
            {
                "schedule": {
                    "type": "rrule",
                    "rrule": "FREQ=MINUTELY",
                    "dtstart": "2026-01-01T00:00",
                    "duration": 60,
                }
            },
            "rrule",
            "FREQ must be HOURLY or longer.",
        ),
        (
            {
                "schedule": {
                    "type": "once",
                    "start": "2026-01-02T00:00:00Z",
                    "end": "2026-01-01T00:00:00Z",
                }
            },
            "end",
            "Must be after start.",
        ),
        (
            {
                "schedule": {
                    "type": "once",
                    "start": "2020-01-01T00:00:00Z",
                    "end": "2020-01-02T00:00:00Z",
                }
            },
            "end",
            "Must be in the future.",
        ),
    ],
)
def test_bad_schedules_get_422_at_their_field(as_alice, fields, path, message):
    body = {"name": "w", "schedule": NIGHTLY, "all_servers": True} | fields
    response = as_alice.post(URL, json=body)
    assert response.status_code == 422
    assert response.json["errors"]["json"]["schedule"][path] == [message]


def test_a_window_must_target_something(as_alice):
    response = as_alice.post(URL, json={"name": "w", "schedule": NIGHTLY})
    assert response.status_code == 422
    assert response.json["errors"]["json"]["servers"] == ["Select servers, tags or status pages."]


def test_a_window_may_only_name_your_own_servers(as_alice, as_bob, make_server):
    mine, bobs = make_server(), make_server(as_bob)
    response = as_alice.post(
        URL, json={"name": "w", "schedule": NIGHTLY, "servers": [mine["id"], bobs["id"], 999999]}
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["servers"] == {
        "1": ["Unknown server."],
        "2": ["Unknown server."],
    }


def test_a_pure_announcement_on_status_pages_is_valid(as_alice):
    response = as_alice.post(URL, json={"name": "w", "schedule": NIGHTLY, "status_pages": [1]})
    assert response.status_code == 201


def test_bob_never_sees_alices_windows(as_alice, as_bob, make_window):
    window = make_window()
    assert as_bob.get(URL).json == []
    for method, path in [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "start/"),
        ("POST", "stop/"),
        ("GET", "occurrences/"),
    ]:
        kwargs = {"json": {"name": "x"}} if method == "PATCH" else {}
        response = as_bob.request(method, f"{URL}{window['id']}/{path}", **kwargs)
        assert response.status_code == 404, (method, path)
    assert as_alice.get(f"{URL}{window['id']}/").status_code == 200


def test_a_manual_window_is_active_between_start_and_stop(as_alice, make_window):
    window = make_window(schedule={"type": "manual"})
    assert window["state"] == "scheduled" and window["occurrences"] == []
    url = f"{URL}{window['id']}/"
    assert as_alice.post(url + "stop/").status_code == 409
    started = as_alice.post(url + "start/")
    assert started.status_code == 200
    assert started.json["state"] == "active" and started.json["current"]["end"] is None
    assert as_alice.get(f"{URL}?state=active").json[0]["id"] == window["id"]
    stopped = as_alice.post(url + "stop/")
    assert stopped.status_code == 200 and stopped.json["state"] == "scheduled"
    assert stopped.json["current"] is None


def test_start_opens_the_schedules_duration_and_extends_when_asked(as_alice, make_window):
    window = make_window()
    url = f"{URL}{window['id']}/"
    started = as_alice.post(url + "start/").json
    start = datetime.fromisoformat(started["current"]["start"])
    end = datetime.fromisoformat(started["current"]["end"])
    assert end - start == timedelta(hours=1)
    extended = as_alice.post(url + "start/", json={"duration": 7200}).json
    assert extended["current"]["start"] == started["current"]["start"]
    assert datetime.fromisoformat(extended["current"]["end"]) > end
    until = later(minutes=30).replace(microsecond=0)
    again = as_alice.post(url + "start/", json={"until": iso(until)}).json
    assert datetime.fromisoformat(again["current"]["end"]) == until
    both = as_alice.post(url + "start/", json={"until": iso(until), "duration": 600})
    assert both.status_code == 422


def test_stop_ends_a_scheduled_occurrence_until_the_next_one(as_alice, make_window):
    start = later(minutes=-5).replace(microsecond=0)
    window = make_window(schedule={"type": "once", "start": iso(start), "end": iso(later(hours=1))})
    assert window["state"] == "active"
    stopped = as_alice.post(f"{URL}{window['id']}/stop/").json
    assert stopped["state"] == "ended" and stopped["current"] is None


def test_a_disabled_window_is_never_active(as_alice, make_window):
    window = make_window(enabled=False)
    assert window["state"] == "disabled"
    assert as_alice.post(f"{URL}{window['id']}/start/").status_code == 409


def test_occurrences_lists_a_range_of_at_most_a_hundred(as_alice, make_window):
    window = make_window(schedule=NIGHTLY | {"expression": "0 3 * * *"})
    url = f"{URL}{window['id']}/occurrences/"
    assert len(as_alice.get(url).json) == 10
    week = as_alice.get(
        url, query_string={"from": "2026-03-27T00:00:00Z", "to": "2026-03-30T00:00:00Z"}
    ).json
    # Berlin springs forward on 2026-03-29: 03:00 CEST is 01:00 UTC.
    assert [o["start"] for o in week] == [
        "2026-03-27T02:00:00+00:00",
        "2026-03-28T02:00:00+00:00",
        "2026-03-29T01:00:00+00:00",
    ]
    year = {"from": "2026-01-01T00:00:00Z", "to": "2027-12-31T00:00:00Z"}
    assert len(as_alice.get(url, query_string=year).json) == 100


def test_patch_replaces_the_schedule_and_checks_targets(as_alice, make_window, make_server):
    window = make_window()
    url = f"{URL}{window['id']}/"
    patched = as_alice.patch(url, json={"schedule": {"type": "manual"}, "name": "n2"}).json
    assert patched["schedule"] == {"type": "manual"} and patched["name"] == "n2"
    bad = as_alice.patch(url, json={"all_servers": False})
    assert bad.status_code == 422
    server = make_server()
    ok = as_alice.patch(url, json={"all_servers": False, "servers": [server["id"]]})
    assert ok.status_code == 200 and ok.json["servers"] == [server["id"]]


def test_a_server_lists_the_windows_that_target_it(as_alice, make_window, make_server):
    tagged = make_server(name="db", tags=["db"])
    other = make_server(name="web", tags=["web"])
    by_tag = make_window(all_servers=False, tags=["db"])
    by_id = make_window(all_servers=False, servers=[other["id"]])
    everything = make_window()
    answer = as_alice.get(f"/api/servers/{tagged['id']}/maintenance/").json
    assert [w["id"] for w in answer["windows"]] == [by_tag["id"], everything["id"]]
    assert answer["active"] is False
    listed = as_alice.get(URL, query_string={"server_id": other["id"]}).json
    assert [w["id"] for w in listed] == [by_id["id"], everything["id"]]
    assert [w["id"] for w in as_alice.get(URL, query_string={"tag": "db"}).json] == [by_tag["id"]]


def test_tag_match_all_needs_every_tag(as_alice, make_window, make_server):
    both = make_server(name="a", tags=["db", "eu"])
    one = make_server(name="b", tags=["db"])
    window = make_window(all_servers=False, tags=["db", "eu"], tag_match="all")
    assert (
        as_alice.get(f"/api/servers/{both['id']}/maintenance/").json["windows"][0]["id"]
        == window["id"]
    )
    assert as_alice.get(f"/api/servers/{one['id']}/maintenance/").json["windows"] == []


def test_deleting_a_server_removes_it_from_windows(as_alice, make_window, make_server):
    a, b = make_server(name="a"), make_server(name="b")
    window = make_window(all_servers=False, servers=[a["id"], b["id"]])
    assert as_alice.delete(f"/api/servers/{a['id']}/").status_code == 204
    assert as_alice.get(f"{URL}{window['id']}/").json["servers"] == [b["id"]]


def test_deleting_a_window_answers_204(as_alice, make_window):
    window = make_window()
    assert as_alice.delete(f"{URL}{window['id']}/").status_code == 204
    assert as_alice.get(f"{URL}{window['id']}/").status_code == 404


def test_the_index_lists_maintenance_windows(client):
    assert client.get("/api/").json["maintenance-windows"].endswith("/api/maintenance-windows/")
