"""The hub: slow clients are dropped, Redis restarts are survived, shutdown ends streams."""

import socket

import pytest
import redis

from pulseguard import create_app
from pulseguard.bus import publish
from tests.conftest import REDIS_URL, make_config
from tests.live.clients import SseClient, WsClient
from tests.live.conftest import Gunicorn, PrivateRedis, redis_or_skip

pytestmark = pytest.mark.once

PATH = "/api/events/status/"


def stalled_stream(server, token):
    """Open an SSE stream on a socket that never reads (and has a tiny receive buffer)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    request = f"GET {PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n"
    sock.sendall(request.encode())
    return sock


def read_to_end(sock, timeout=10.0):
    """Read until the server closes the socket; return False when it stays open."""
    sock.settimeout(timeout)
    try:
        while sock.recv(1 << 20):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        pass
    return True


def test_a_client_that_stops_reading_is_dropped_and_the_others_get_everything(
    publisher, database_url, alice, token, make_server, record, emit
):
    server = Gunicorn(
        database_url, REDIS_URL, publisher.config["EVENTS_CHANNEL"], LIVE_QUEUE_SIZE=4
    )
    web = make_server()
    stalled = stalled_stream(server, token(alice))
    reader = SseClient(server.url + PATH, token(alice))
    try:
        reader.events_until(lambda m: m.get("event") == "ping")
        events = record(web["id"])
        events[0]["data"]["error_message"] = "x" * 65536  # 64 KiB a batch
        batches = 200  # ~13 MB: far more than socket buffers and queue hold
        for number in range(batches):
            events[0]["id"] = events[1]["id"] = number + 1
            emit(events)
            assert reader.next_event()["id"] == str(number + 1)
            assert reader.next_event()["event"] == "status"
        assert read_to_end(stalled), "the stalled client was never dropped"
    finally:
        reader.close()
        stalled.close()
        server.terminate()


def test_the_hub_resubscribes_after_a_redis_restart_and_streams_catch_up(
    app, database_url, alice, token, make_server, record
):
    private = PrivateRedis()
    publisher = create_app(make_config(database_url, REDIS_URL=private.url))
    server = Gunicorn(database_url, private.url, publisher.config["EVENTS_CHANNEL"])
    web = make_server()
    sse = SseClient(server.url + PATH, token(alice))
    ws = WsClient(server.ws_url + "/ws/status/", token(alice))

    def emit(events):
        with publisher.app_context():
            publish(events)

    try:
        sse.events_until(lambda m: m.get("event") == "ping")
        assert ws.ask({"action": "subscribe"})["servers"] == [web["id"]]
        before = record(web["id"])
        emit(before)
        assert sse.next_event()["id"] == str(before[0]["id"])
        sse.next_event()
        assert ws.receive()["ping"]["id"] == before[0]["id"]

        private.kill()
        lost = record(web["id"], status="failure", health="down")
        emit(lost)  # the bus is down: logged, not raised; the row is in the database
        private.start()

        # The hub resubscribes; the streams catch up on what they missed from the database.
        replay = sse.events_until(lambda m: m.get("event") == "ping", timeout=15)
        assert replay[0]["event"] == "status"
        assert [s["status"] for s in replay[0]["data"]] == ["down"]
        assert replay[-1]["id"] == str(lost[0]["id"])
        assert ws.receive(timeout=15)["ping"]["id"] == lost[0]["id"]

        after = record(web["id"])
        emit(after)  # preceded by the bus's gap marker (its last publish failed): one more
        # catch-up, whose status snapshot may come first; the ping comes once
        seen = sse.events_until(lambda m: m.get("id") == str(after[0]["id"]))
        assert [m for m in seen if m.get("event") == "ping"][-1]["id"] == str(after[0]["id"])
        assert ws.receive()["ping"]["id"] == after[0]["id"]
        later = record(web["id"])
        emit(later)
        seen = sse.events_until(lambda m: m.get("id") == str(later[0]["id"]))
        assert str(after[0]["id"]) not in [m.get("id") for m in seen]  # it came once
        assert ws.receive()["ping"]["id"] == later[0]["id"]
    finally:
        sse.close()
        ws.close()
        server.terminate()
        private.kill()


def test_sigterm_ends_open_streams_instead_of_waiting_for_the_graceful_timeout(
    publisher, database_url, alice, token
):
    redis_or_skip(REDIS_URL)
    server = Gunicorn(
        database_url, REDIS_URL, publisher.config["EVENTS_CHANNEL"], GRACEFUL_TIMEOUT=60
    )
    sse = SseClient(server.url + PATH, token(alice))
    ws = WsClient(server.ws_url + "/ws/status/", token(alice))
    try:
        sse.events_until(lambda m: m.get("event") == "ping")
        assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
        assert server.terminate() < 5  # neither the graceful timeout nor a keep-alive wait
        assert sse.ended(timeout=1)
        assert ws.close_code(timeout=1) == 1001
    finally:
        sse.close()
        ws.close()


def test_an_empty_message_on_the_bus_drops_no_stream(
    publisher, server, admin, token, make_server, record, emit
):
    web = make_server()
    stream = SseClient(server.url + PATH, token(admin), params={"server_id": str(web["id"])})
    try:
        stream.events_until(lambda m: m.get("event") == "ping")
        redis.Redis.from_url(REDIS_URL).publish(publisher.config["EVENTS_CHANNEL"], "[]")
        events = record(web["id"])
        emit(events)
        assert stream.next_event()["id"] == str(events[0]["id"])
    finally:
        stream.close()
