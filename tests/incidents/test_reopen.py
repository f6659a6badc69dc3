"""INCIDENT_REOPEN_WINDOW: a server flapping within the window makes one incident, not twenty."""

import time

import pytest

from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result


@pytest.fixture
def reopening(app, monkeypatch):
    monkeypatch.setitem(app.config, "INCIDENT_REOPEN_WINDOW", 300)
    return app


def flap(app, sid, start, times, gap=10):
    """Record `times` down/up cycles, one check every `gap` seconds from `start`."""
    with app.app_context():
        for n in range(times):
            record_results([result(sid, DOWN, start + 2 * n * gap)])
            record_results([result(sid, OK, start + (2 * n + 1) * gap)])


def test_a_flapping_server_makes_one_incident_within_the_window(reopening, make_server, as_alice):
    sid = make_server(name="web")["id"]
    start = time.time() - 1000
    with reopening.app_context():
        record_results([result(sid, OK, start - 10)])
    flap(reopening, sid, start, 5)
    [incident] = as_alice.get(f"/api/servers/{sid}/incidents/").json
    assert incident["state"] == "resolved"
    assert incident["duration_seconds"] == 90.0  # from the first failure to the last recovery


def test_a_failure_after_the_window_opens_a_new_incident(reopening, make_server, as_alice):
    sid = make_server(name="web")["id"]
    start = time.time() - 2000
    flap(reopening, sid, start, 1)
    flap(reopening, sid, start + 400, 1)  # 390 s after the resolution: past the 300 s window
    assert len(as_alice.get(f"/api/servers/{sid}/incidents/").json) == 2


def test_a_reopened_incident_is_no_longer_acknowledged(reopening, make_server, as_alice):
    sid = make_server(name="web")["id"]
    start = time.time() - 1000
    with reopening.app_context():
        record_results([result(sid, OK, start - 10)])
        record_results([result(sid, DOWN, start)])
    [incident] = as_alice.get(f"/api/servers/{sid}/incidents/").json
    assert as_alice.post(f"/api/incidents/{incident['id']}/ack/").status_code == 200
    with reopening.app_context():
        record_results([result(sid, OK, start + 10)])
        record_results([result(sid, DOWN, start + 20)])
    [again] = as_alice.get(f"/api/servers/{sid}/incidents/").json
    assert again["id"] == incident["id"] and again["state"] == "open"
    assert again["acknowledged_at"] is None and again["resolved_at"] is None


def test_without_the_setting_each_flap_is_an_incident(app, make_server, as_alice):
    sid = make_server(name="web")["id"]
    flap(app, sid, time.time() - 1000, 3)
    assert len(as_alice.get(f"/api/servers/{sid}/incidents/").json) == 3
