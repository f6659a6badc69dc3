"""End to end: a real check of a local HTTP server arrives on SSE and WebSocket clients."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REDIS_URL
from tests.live.clients import SseClient, WsClient
from tests.live.conftest import ROOT, Gunicorn
from tests.targets import LocalServer

pytestmark = pytest.mark.once


@pytest.fixture
def target():
    server = LocalServer()
    yield server
    server.stop()


def open_clients(server, access):
    sse = SseClient(server.url + "/api/events/status/", access)
    ws = WsClient(server.ws_url + "/ws/status/", access)
    sse.events_until(lambda m: m.get("event") == "ping")
    assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
    return sse, ws


NOTICES = ("incident", "maintenance")  # a check that changes the status also opens an incident


def next_result(receive, key, timeout):
    """Return the next ping/status event or WebSocket update, skipping notices."""
    while True:
        message = receive(timeout)
        if message[key] not in NOTICES:
            return message


def assert_check_arrives(sse, ws, server_id, status, message, timeout=20):
    ping = next_result(sse.next_event, "event", timeout)
    assert ping["event"] == "ping" and ping["data"]["server"] == server_id
    current = next_result(sse.next_event, "event", 5)
    assert current["event"] == "status" and current["id"] == ping["id"]
    assert (current["data"]["status"], current["data"]["message"]) == (status, message)
    update = next_result(ws.receive, "type", timeout)
    assert update["type"] == "update"
    assert update["ping"] == ping["data"] and update["status"] == current["data"]


def test_a_check_run_by_another_process_reaches_streams_through_redis(
    publisher, server, database_url, alice, token, make_server, target, tmp_path
):
    down = make_server(name="api", port=target.port, path="/status/503")
    sse, ws = open_clients(server, token(alice))
    env = os.environ | {
        "ENVIRONMENT": "testing",
        "TEST_DATABASE_URL": database_url,
        "TEST_REDIS_URL": REDIS_URL,
        "EVENTS_CHANNEL": publisher.config["EVENTS_CHANNEL"],
        "FLASK_APP": "manage:app",
    }
    flask = Path(sys.executable).with_name("flask")
    try:
        command = [str(flask), "run-checks", "--server-id", str(down["id"])]
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=60)
        assert_check_arrives(sse, ws, down["id"], "down", "HTTP 503")
    finally:
        sse.close()
        ws.close()


def test_embedded_mode_checks_and_streams_in_one_process(
    app, database_url, alice, token, make_server, target
):
    server = Gunicorn(database_url, None, "unused")
    try:
        sse, ws = open_clients(server, token(alice))
        # The embedded dispatcher checks a new server at once.
        web = make_server(name="web", port=target.port, path="/")
        assert_check_arrives(sse, ws, web["id"], "up", "OK")
        sse.close()
        ws.close()
    finally:
        server.terminate()
