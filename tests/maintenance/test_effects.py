"""While a window is in force: status `maintenance`, results marked, nothing sent; at its end,
one notification only for a real change (the four cases, counted by a real webhook receiver)."""

import json

import gevent
import pytest
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.jobs.dispatch import claim_due
from pulseguard.models import Server, StatusChange
from pulseguard.monitoring.record import record_results
from tests.notify.peers import wait_for
from tests.outcomes import DOWN, OK, result

URL = "/api/maintenance-windows/"


@pytest.fixture
def watched(embedded, make_server, add_config, webhook):
    """Alice's server with a webhook config; returns its id."""
    sid = make_server(name="web")["id"]
    add_config(sid, "webhook", webhook.url)
    return sid


def check(app, sid, outcome):
    with app.app_context():
        record_results([result(sid, outcome)])


def manual_window(api, **fields):
    body = {"name": "work", "schedule": {"type": "manual"}, "all_servers": True} | fields
    response = api.post(URL, json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def status_of(api, sid):
    return api.get(f"/api/server-status/?server_id={sid}").json[0]


def sent_events(webhook):
    return [json.loads(r["body"])["event"] for r in webhook.requests]


def told_at_the_end(api, window, webhook, told_before, expected):
    """Nothing is sent inside the window; stopping it sends exactly `expected` (event names)."""
    gevent.sleep(0.3)
    assert sent_events(webhook) == told_before  # nothing while in maintenance
    assert api.post(f"{URL}{window}/stop/").status_code == 200
    if expected:
        wait_for(lambda: len(webhook.requests) == len(told_before) + 1)
    gevent.sleep(0.3)  # anything extra would have been delivered by now
    assert sent_events(webhook) == told_before + expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (OK, OK, []),
        (OK, DOWN, ["failure"]),
        (DOWN, OK, ["recovery"]),
        (DOWN, DOWN, []),
    ],
    ids=["up-up", "up-down", "down-up", "down-down"],
)
def test_the_end_of_a_window_notifies_only_a_real_change(
    embedded, watched, webhook, as_alice, before, after, expected
):
    check(embedded, watched, OK)  # unknown -> up: nobody is told
    check(embedded, watched, before)
    told_before = ["failure"] if before is DOWN else []
    if told_before:
        wait_for(lambda: sent_events(webhook) == told_before)
    window = manual_window(as_alice)
    assert as_alice.post(f"{URL}{window}/start/").status_code == 200
    for _ in range(3):
        check(embedded, watched, after)
    during = status_of(as_alice, watched)
    assert during["status"] == "maintenance"
    assert during["measured_status"] == ("up" if after is OK else "down")
    results = as_alice.get(f"/api/ping-results/?server_id={watched}").json
    assert [r["in_maintenance"] for r in results[:3]] == [True, True, True]
    told_at_the_end(as_alice, window, webhook, told_before, expected)
    assert status_of(as_alice, watched)["status"] == ("up" if after is OK else "down")


def test_no_status_change_is_recorded_inside_a_window(embedded, watched, as_alice):
    check(embedded, watched, OK)
    window = manual_window(as_alice)
    as_alice.post(f"{URL}{window}/start/")
    check(embedded, watched, DOWN)
    check(embedded, watched, OK)
    with embedded.app_context():
        changes = db.session.scalars(select(StatusChange).order_by(StatusChange.id)).all()
    assert [(c.old_status, c.new_status) for c in changes] == [("unknown", "up")]


def test_a_server_tagged_during_a_window_is_covered_at_once(
    embedded, make_server, as_alice, webhook, add_config
):
    sid = make_server(name="db", tags=[])["id"]
    add_config(sid, "webhook", webhook.url)
    check(embedded, sid, OK)
    window = manual_window(as_alice, all_servers=False, tags=["db"])
    as_alice.post(f"{URL}{window}/start/")
    assert status_of(as_alice, sid)["status"] == "up"
    assert as_alice.patch(f"/api/servers/{sid}/", json={"tags": ["db"]}).status_code == 200
    assert status_of(as_alice, sid)["status"] == "maintenance"
    check(embedded, sid, DOWN)
    gevent.sleep(0.3)
    assert webhook.requests == []
    assert as_alice.get(f"/api/servers/{sid}/maintenance/").json["active"] is True


def test_a_skip_window_stops_the_probes_and_checks_at_once_when_it_ends(
    embedded, watched, as_alice
):
    check(embedded, watched, OK)
    window = manual_window(as_alice, checks="skip")
    as_alice.post(f"{URL}{window}/start/")
    with embedded.app_context():
        assert claim_due(server_ids=[watched]) == []
        db.session.rollback()
    as_alice.post(f"{URL}{window}/stop/")
    with embedded.app_context():
        assert [sid for sid, _ in claim_due(server_ids=[watched])] == [watched]
        db.session.rollback()


def test_bob_s_servers_are_not_covered_by_alice_s_window(embedded, make_server, as_alice, as_bob):
    bobs = make_server(api=as_bob, name="bob-web")["id"]
    mine = make_server(name="alice-web")["id"]
    window = manual_window(as_alice)
    as_alice.post(f"{URL}{window}/start/")
    with embedded.app_context():
        modes = dict(db.session.execute(select(Server.id, Server.maintenance)).all())
    assert modes == {bobs: "", mine: "run/exclude"}


def test_a_scheduled_window_comes_into_force_by_the_sweep(embedded, watched, as_alice):
    from datetime import UTC, datetime, timedelta

    from pulseguard.monitoring.maintenance import apply_windows

    check(embedded, watched, OK)
    start = datetime.now(UTC) + timedelta(minutes=5)
    schedule = {
        "type": "once",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
    }
    manual_window(as_alice, schedule=schedule, uptime="count_as_up")
    assert status_of(as_alice, watched)["status"] == "up"
    with embedded.app_context():
        applied = apply_windows(now=start + timedelta(seconds=1))
    assert applied.entered == [watched]
    assert applied.events[0]["data"]["state"] == "active"
    assert applied.events[0]["data"]["servers"] == [watched]
    assert status_of(as_alice, watched)["status"] == "maintenance"
    with embedded.app_context():
        again = apply_windows(now=start + timedelta(seconds=2))
        assert again.entered == [] and again.events == []  # claimed once
        ended = apply_windows(now=start + timedelta(hours=1, seconds=1))
    assert ended.left == [watched] and ended.events[0]["data"]["state"] == "ended"


def test_the_sweep_follows_boundaries_and_edits_of_a_window_it_already_evaluated(
    embedded, watched, as_alice
):
    """Each process keeps a window's occurrence until its next boundary: the sweep must still
    enter exactly at the start, leave exactly at the end, and follow an edit at once."""
    from datetime import UTC, datetime, timedelta

    from pulseguard.monitoring.maintenance import apply_windows

    check(embedded, watched, OK)
    start = (datetime.now(UTC) + timedelta(minutes=5)).replace(microsecond=0)
    end = start + timedelta(hours=1)
    once = {"type": "once", "start": start.isoformat(), "end": end.isoformat()}
    wid = manual_window(as_alice, schedule=once)
    with embedded.app_context():
        assert apply_windows(now=start - timedelta(seconds=1)).entered == []
        assert apply_windows(now=start - timedelta(microseconds=1)).entered == []
        assert apply_windows(now=start).entered == [watched]
        assert apply_windows(now=end - timedelta(microseconds=1)).left == []
        assert apply_windows(now=end).left == [watched]
        assert apply_windows(now=start + timedelta(minutes=1)).entered == [watched]  # back again
    later = start + timedelta(hours=3)
    moved = {
        "type": "once",
        "start": later.isoformat(),
        "end": (later + timedelta(hours=1)).isoformat(),
    }
    response = as_alice.patch(f"{URL}{wid}/", json={"schedule": moved})
    assert response.status_code == 200, response.json
    assert status_of(as_alice, watched)["status"] == "up"  # the edit's own sweep, at real now
    with embedded.app_context():
        assert apply_windows(now=start + timedelta(minutes=2)).entered == []  # the old one's gone
        assert apply_windows(now=later).entered == [watched]
    response = as_alice.patch(f"{URL}{wid}/", json={"enabled": False})
    assert response.status_code == 200, response.json
    assert status_of(as_alice, watched)["status"] == "up"
    with embedded.app_context():
        assert apply_windows(now=later + timedelta(seconds=1)).entered == []  # disabled now
    assert status_of(as_alice, watched)["status"] == "up"
