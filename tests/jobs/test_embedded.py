"""Without Redis: the dispatcher greenlet and the check engine run inside the web process."""

import gevent

from pulseguard.jobs.embedded import start_embedded
from tests.targets import wait_for


def test_embedded_runtime_checks_due_servers(embedded_app, web, make_server, as_alice):
    sid = make_server(port=web.port, check_interval=10)["id"]
    down = make_server(name="down", port=1, protocol="tcp")["id"]
    greenlets = start_embedded(embedded_app)
    try:
        wait_for(lambda: len(as_alice.get("/api/ping-results/").json) >= 2)
    finally:
        gevent.killall(greenlets)
    statuses = {s["server"]: s for s in as_alice.get("/api/server-status/").json}
    assert statuses[sid]["status"] == "up"
    assert statuses[down]["status"] == "down"
    assert statuses[down]["message"] == "Connection refused"


def test_run_now_checks_at_once_in_process(embedded_app, web, make_server, login, admin):
    sid = make_server(port=web.port)["id"]
    api = login(admin)
    api.client = embedded_app.test_client()
    response = api.post("/api/checks/run/", json={})
    assert response.status_code == 202 and response.json["server_ids"] == [sid]
    wait_for(lambda: api.get(f"/api/ping-results/?server_id={sid}").json)
    assert web.app.hits["/"] == 1
