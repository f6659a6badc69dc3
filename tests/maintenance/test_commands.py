"""flask maintenance start|stop NAME and flask incidents."""

from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result


def test_an_operator_starts_and_stops_a_window_by_name(app, as_alice, make_server):
    sid = make_server()["id"]
    body = {"name": "db upgrade", "schedule": {"type": "manual"}, "servers": [sid]}
    as_alice.post("/api/maintenance-windows/", json=body)
    runner = app.test_cli_runner()
    started = runner.invoke(args=["maintenance", "start", "db upgrade", "--duration", "600"])
    assert started.exit_code == 0, started.output
    assert as_alice.get(f"/api/servers/{sid}/maintenance/").json["active"] is True
    assert as_alice.get(f"/api/server-status/?server_id={sid}").json[0]["status"] == "maintenance"
    stopped = runner.invoke(args=["maintenance", "stop", "db upgrade"])
    assert stopped.exit_code == 0 and "stopped" in stopped.output
    assert as_alice.get(f"/api/servers/{sid}/maintenance/").json["active"] is False
    again = runner.invoke(args=["maintenance", "stop", "db upgrade"])
    assert again.exit_code != 0 and "not active" in again.output
    missing = runner.invoke(args=["maintenance", "start", "nope"])
    assert missing.exit_code != 0 and "No maintenance window" in missing.output


def test_flask_incidents_lists_the_open_ones(app, make_server):
    sid = make_server(name="web-1")["id"]
    runner = app.test_cli_runner()
    assert "No open incidents." in runner.invoke(args=["incidents"]).output
    with app.app_context():
        record_results([result(sid, OK)])
        record_results([result(sid, DOWN)])
    listed = runner.invoke(args=["incidents"]).output
    assert "web-1" in listed and "down" in listed and "HTTP 503" in listed
    assert "not acknowledged" in listed
