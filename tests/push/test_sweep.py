"""The deadline sweep: late is degraded, silent past the grace is down, each exactly once."""

from datetime import timedelta

import gevent
import pytest
from sqlalchemy import func, select

from pulseguard.extensions import db
from pulseguard.jobs.push_sweep import sweep_push_deadlines
from pulseguard.models import PingResult, PushMonitor, StatusChange
from pulseguard.models.types import utcnow


@pytest.fixture
def sweep(app):
    """Run the sweep as if it were `seconds` from now; return how many servers it changed."""

    def run(seconds):
        with app.app_context():
            changed = sweep_push_deadlines(utcnow() + timedelta(seconds=seconds))
            db.session.remove()
            return changed

    return run


def pinged(client, make_push, **push):
    server = make_push(**push)
    assert client.get(f"/api/push/{server['push']['token']}").status_code == 200
    return server


def test_a_late_server_is_degraded_then_down_after_its_grace(
    client, make_push, sweep, status_of, results_of
):
    server = pinged(client, make_push, period=60, grace=120)
    assert sweep(30) == 0
    assert sweep(61) == 1
    status = status_of(server["id"])
    assert status["status"] == "degraded" and status["message"].startswith("Late: expected by ")
    assert sweep(62) == 0
    assert sweep(181) == 1
    status = status_of(server["id"])
    assert status["status"] == "down"
    assert status["message"].startswith("No ping since ") and "grace 2min)" in status["message"]
    assert sweep(240) == 0
    missed = [r for r in results_of(server["id"]) if r["kind"] == "missed"]
    assert [(r["status"], r["details"]["stage"]) for r in missed] == [
        ("timeout", "late"),
        ("timeout", "down"),
    ]
    assert client.get(f"/api/push/{server['push']['token']}").json["status"] == "up"


def test_the_down_step_comes_at_once_when_the_sweep_was_away(
    client, make_push, sweep, status_of, as_alice
):
    server = pinged(client, make_push, period=60, grace=60)
    assert sweep(3600) == 1
    assert status_of(server["id"])["status"] == "down"
    changes = as_alice.get(f"/api/status-changes/?server_id={server['id']}").json
    assert [(c["old_status"], c["new_status"]) for c in changes][0] == ("up", "down")


def test_a_server_never_pinged_never_turns_down(make_push, sweep, status_of):
    server = make_push(period=60, grace=60)
    assert sweep(86400) == 0
    assert status_of(server["id"])["status"] == "unknown"


def test_a_run_longer_than_max_runtime_is_down(client, make_push, sweep, status_of):
    server = pinged(client, make_push, period=86400, grace=3600, max_runtime=120)
    client.get(f"/api/push/{server['push']['token']}/start")
    assert sweep(60) == 0
    assert sweep(121) == 1
    message = status_of(server["id"])["message"]
    assert message.startswith("Started ") and message.endswith("no success within 2min")


def test_a_paused_server_is_not_swept(as_alice, client, make_push, sweep, status_of):
    server = pinged(client, make_push, period=60, grace=60)
    as_alice.patch(f"/api/servers/{server['id']}/", json={"status": "paused"})
    assert sweep(3600) == 0


def test_a_cron_schedule_sets_the_deadline(as_alice, client, make_push):
    server = pinged(client, make_push, cron="*/5 * * * *", grace=60)
    push = as_alice.get(f"/api/servers/{server['id']}/").json["push"]
    expected = push["next_expected_at"]
    assert expected[14:16] in {f"{m:02d}" for m in range(0, 60, 5)} and expected[17:19] == "00"


def test_racing_sweepers_make_each_transition_exactly_once(app, client, make_push, sweep):
    servers = [pinged(client, make_push, period=60, grace=60) for _ in range(20)]
    racers = [gevent.spawn(sweep, 3600) for _ in range(4)]
    gevent.joinall(racers, timeout=60, raise_error=True)
    assert sum(g.value for g in racers) == len(servers)
    with app.app_context():
        missed = db.session.scalar(
            select(func.count()).select_from(PingResult).where(PingResult.kind == "missed")
        )
        downs = db.session.scalar(
            select(func.count()).select_from(StatusChange).where(StatusChange.new_status == "down")
        )
        stages = set(db.session.scalars(select(PushMonitor.stage)))
    assert missed == downs == len(servers) and stages == {"down"}


def test_a_push_server_in_a_maintenance_window_does_not_go_late(
    client, make_push, sweep, status_of, as_alice
):
    server = pinged(client, make_push, period=60, grace=120)
    body = {"name": "w", "schedule": {"type": "manual"}, "servers": [server["id"]]}
    window = as_alice.post("/api/maintenance-windows/", json=body).json["id"]
    assert as_alice.post(f"/api/maintenance-windows/{window}/start/").status_code == 200
    assert sweep(61) == 0 and sweep(181) == 0
    assert status_of(server["id"])["status"] == "maintenance"
    assert status_of(server["id"])["measured_status"] == "up"


def test_deadlines_inside_a_window_move_to_its_end_plus_grace(
    app, as_alice, client, make_push, status_of
):
    from pulseguard.monitoring.maintenance import apply_windows

    def at(seconds):
        return pinged_at + timedelta(seconds=seconds)

    def sweep_at(seconds):
        with app.app_context():
            changed = sweep_push_deadlines(at(seconds))
            db.session.remove()
            return changed

    def windows_at(seconds):
        with app.app_context():
            apply_windows(now=at(seconds))
            db.session.remove()

    pinged_at = utcnow()
    hourly = pinged(client, make_push, period=3600, grace=120)
    server = pinged(client, make_push, period=60, grace=120)  # due at +60, down at +180
    before = as_alice.get(f"/api/servers/{hourly['id']}/").json["push"]
    schedule = {"type": "once", "start": at(30).isoformat(), "end": at(630).isoformat()}
    body = {"name": "w", "schedule": schedule, "servers": [server["id"], hourly["id"]]}
    assert as_alice.post("/api/maintenance-windows/", json=body).status_code == 201
    windows_at(31)
    assert sweep_at(200) == 0 and status_of(server["id"])["status"] == "maintenance"
    windows_at(631)  # the window ends: both deadlines fell inside it
    push = as_alice.get(f"/api/servers/{server['id']}/").json["push"]
    assert push["next_expected_at"] == at(631 + 120).isoformat()
    assert push["alert_after"] == at(631 + 240).isoformat()
    after = as_alice.get(f"/api/servers/{hourly['id']}/").json["push"]
    assert after["next_expected_at"] == before["next_expected_at"]  # due after the end: kept
    assert sweep_at(632) == 0 and status_of(server["id"])["status"] == "up"
    assert sweep_at(631 + 121) == 1 and status_of(server["id"])["status"] == "degraded"
    assert sweep_at(631 + 241) == 1 and status_of(server["id"])["status"] == "down"
    assert status_of(hourly["id"])["status"] == "up"


def test_a_late_server_gets_its_down_deadline_moved_past_the_window(
    app, as_alice, client, make_push, status_of
):
    from pulseguard.monitoring.maintenance import apply_windows

    server = pinged(client, make_push, period=60, grace=600)
    start = utcnow()
    with app.app_context():
        assert sweep_push_deadlines(start + timedelta(seconds=61)) == 1  # late before the window
        db.session.remove()
    schedule = {
        "type": "once",
        "start": (start + timedelta(seconds=100)).isoformat(),
        "end": (start + timedelta(seconds=1000)).isoformat(),
    }
    body = {"name": "w", "schedule": schedule, "servers": [server["id"]]}
    assert as_alice.post("/api/maintenance-windows/", json=body).status_code == 201
    end = start + timedelta(seconds=1001)
    with app.app_context():
        apply_windows(now=start + timedelta(seconds=101))
        apply_windows(now=end)
        assert sweep_push_deadlines(end + timedelta(seconds=1)) == 0
        db.session.remove()
    assert status_of(server["id"])["status"] == "degraded"
    push = as_alice.get(f"/api/servers/{server['id']}/").json["push"]
    assert push["alert_after"] == (end + timedelta(seconds=600)).isoformat()
    with app.app_context():
        assert sweep_push_deadlines(end + timedelta(seconds=601)) == 1
        db.session.remove()
    assert status_of(server["id"])["status"] == "down"
