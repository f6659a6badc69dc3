"""flask run-checks: one pass now, a table, exit code 0 even when servers are down."""

from tests.targets import refused_port


def test_run_checks_prints_a_table_and_records(app, web, make_server, as_alice):
    up = make_server(name="site", port=web.port)
    down = make_server(name="gone", port=refused_port())
    out = app.test_cli_runner().invoke(args=["run-checks"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split() == ["server", "status", "code", "ms", "message"]
    row = next(line for line in lines if line.startswith("site"))
    assert row.split()[2:4] == ["up", "200"]
    row = next(line for line in lines if line.startswith("gone"))
    assert "down" in row and "Connection refused" in row
    assert lines[-1] == "2 checked, 1 down."
    statuses = {s["server"]: s["status"] for s in as_alice.get("/api/server-status/").json}
    assert statuses == {up["id"]: "up", down["id"]: "down"}


def test_run_checks_for_chosen_servers_skips_paused(app, web, make_server, as_alice):
    one = make_server(name="one", port=web.port)
    two = make_server(name="two", port=web.port)
    paused = make_server(name="zzz", port=web.port)
    as_alice.patch(f"/api/servers/{paused['id']}/", json={"status": "paused"})
    out = app.test_cli_runner().invoke(
        args=["run-checks", "--server-id", str(one["id"]), "--server-id", str(paused["id"])]
    )
    assert out.exit_code == 0, out.output
    assert f"Skipped zzz (#{paused['id']}): paused" in out.output
    assert "1 checked, 0 down." in out.output
    assert web.app.hits["/"] == 1
    assert as_alice.get(f"/api/ping-results/?server_id={two['id']}").json == []


def test_unknown_server_id_fails_the_command(app):
    out = app.test_cli_runner().invoke(args=["run-checks", "--server-id", "999"])
    assert out.exit_code != 0
    assert "Unknown server ids: [999]" in out.output
