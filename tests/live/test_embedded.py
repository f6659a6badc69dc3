"""Embedded mode (no Redis): the in-process bus feeds SSE and WebSocket streams."""

import pytest
from gevent.pywsgi import WSGIServer

from pulseguard import create_app
from pulseguard.bus import publish
from tests.conftest import make_config
from tests.live.clients import SseClient, WsClient
from tests.live.conftest import Gunicorn


@pytest.fixture
def embedded(app, database_url):
    """The app without Redis, served by gevent in this process (where it also publishes)."""
    local = create_app(make_config(database_url, REDIS_URL=None, SSE_HEARTBEAT_S=0.5))
    server = WSGIServer(("127.0.0.1", 0), local, log=None)
    server.start()
    local.test_url = f"127.0.0.1:{server.server_port}"
    yield local
    server.stop(timeout=1)


def test_embedded_mode_streams_over_the_in_process_bus(embedded, alice, token, make_server, record):
    web = make_server()
    sse = SseClient(f"http://{embedded.test_url}/api/events/status/", token(alice))
    ws = WsClient(f"ws://{embedded.test_url}/ws/status/", token(alice))
    try:
        sse.events_until(lambda m: m.get("event") == "ping")
        assert ws.ask({"action": "subscribe"})["servers"] == [web["id"]]
        events = record(web["id"], status="timeout", health="down")
        with embedded.app_context():
            publish(events)
        assert sse.next_event() == {
            "id": str(events[0]["id"]),
            "event": "ping",
            "data": events[0]["data"],
        }
        assert sse.next_event()["data"]["status"] == "down"
        assert ws.receive() == {
            "type": "update",
            "ping": events[0]["data"],
            "status": events[1]["data"],
        }
    finally:
        sse.close()
        ws.close()


@pytest.mark.once
def test_gunicorn_without_redis_opens_streams(app, database_url, alice, token, make_server):
    web = make_server()
    server = Gunicorn(database_url, None, "unused")
    sse = SseClient(server.url + "/api/events/status/", token(alice))
    ws = WsClient(server.ws_url + "/ws/status/", token(alice))
    try:
        assert sse.next() == {"retry": "5000"}
        assert [s["server"] for s in sse.next_event()["data"]] == [web["id"]]
        assert ws.ask({"action": "subscribe"})["servers"] == [web["id"]]
    finally:
        sse.close()
        ws.close()
        server.terminate()
