"""A `checks: skip` window stops probes, not a push job's own pings (API-NEXT §2): they are
stored, marked in_maintenance, send nothing, and the window's end compares before with after
(counted at a real webhook receiver)."""

import pytest

from tests.maintenance.test_effects import (
    URL,
    manual_window,
    sent_events,
    status_of,
    told_at_the_end,
)
from tests.notify.peers import wait_for


@pytest.fixture
def push_watched(embedded, make_push, add_config, webhook):
    """Alice's push server with a webhook config; returns (id, ping URL)."""
    server = make_push()
    add_config(server["id"], "webhook", webhook.url)
    return server["id"], f"/api/push/{server['push']['token']}"


def ping(client, url, event=""):
    response = client.get(f"{url}/{event}" if event else url)
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize(
    ("before", "during", "expected"),
    [
        ("", ["fail"], ["failure"]),
        ("fail", ["", "start", ""], ["recovery"]),
        ("", ["start", "log", ""], []),
    ],
    ids=["up-down", "down-up", "up-up"],
)
def test_push_pings_in_a_skip_window_are_stored_and_the_end_tells_only_a_change(
    client, push_watched, webhook, as_alice, before, during, expected
):
    sid, url = push_watched
    ping(client, url)  # unknown -> up: nobody is told
    if before:
        ping(client, url, before)
        wait_for(lambda: sent_events(webhook) == ["failure"])
    told_before = sent_events(webhook)
    window = manual_window(as_alice, checks="skip")
    assert as_alice.post(f"{URL}{window}/start/").status_code == 200
    answers = [ping(client, url, event) for event in during]
    assert all("ignored" not in answer for answer in answers), answers
    measured = "down" if during[-1] == "fail" else "up"
    assert answers[-1]["status"] == measured
    now = status_of(as_alice, sid)
    assert (now["status"], now["measured_status"]) == ("maintenance", measured)
    results = as_alice.get(f"/api/ping-results/?server_id={sid}").json  # newest first
    stored = [(r["kind"], r["in_maintenance"]) for r in results[: len(during)]]
    assert stored == [(event or "success", True) for event in reversed(during)]
    told_at_the_end(as_alice, window, webhook, told_before, expected)
    assert status_of(as_alice, sid)["status"] == measured
