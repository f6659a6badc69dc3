"""Faults seen by the web process: Redis restarted under it, SIGTERM with a request in flight."""

import signal
import socket
import time

import pytest
import requests

from tests.ops.sse import SseReader
from tests.ops.stack import wait_for

pytestmark = pytest.mark.once

SERVER = {"name": "web", "protocol": "http", "host": "127.0.0.1", "port": 9, "status": "paused"}


def test_rest_keeps_answering_while_redis_restarts(stack):
    stack.env.update(RATE_LIMIT_ENABLED="true", RATE_LIMIT_LOGIN="1000 per minute")
    stack.start_web()
    assert stack.api("POST", "/api/servers/", json=SERVER).status_code == 201

    stack.redis.stop()
    assert requests.get(stack.base + "/readyz", timeout=10).status_code == 503
    for _ in range(5):  # reads, writes, sign-in (rate limits fall back to memory) and metrics
        assert stack.api("GET", "/api/servers/").status_code == 200
        assert stack.api("POST", "/api/servers/", json=SERVER).status_code == 201
        stack.sign_in()
        assert requests.get(stack.base + "/metrics", timeout=10).status_code == 200

    stack.redis.start()
    wait_for(lambda: requests.get(stack.base + "/readyz", timeout=5).ok, 20, what="readyz")
    assert stack.api("GET", "/api/servers/").json()[-1]["name"] == "web"
    assert len(stack.api("GET", "/api/servers/").json()) == 6


def test_sigterm_lets_a_request_in_flight_finish(stack):
    stack.start_web()
    body = b'{"name": "late", "protocol": "http", "host": "127.0.0.1", "port": 9}'
    head = (
        "POST /api/servers/ HTTP/1.1\r\nHost: pulseguard\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {stack.token}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", stack.port), timeout=15) as conn:
        conn.sendall(head + body[:10])  # the request is in flight: half its body is sent
        time.sleep(0.5)
        stack.signal("web", signal.SIGTERM)
        time.sleep(0.5)
        conn.sendall(body[10:])
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201"), answer[:300]
    assert stack.processes["web"].wait(30) == 0
    rows = stack.database.query("SELECT name FROM servers")
    assert rows == [("late",)]


def test_sigterm_ends_live_streams_cleanly_and_at_once(stack):
    stack.start_web()
    streams = [SseReader(stack.base, stack.token) for _ in range(3)]
    settle_s = 1.0
    time.sleep(settle_s)
    assert all(stream.ended_cleanly is None for stream in streams)  # open and waiting
    stopped = time.monotonic()
    stack.signal("web", signal.SIGTERM)
    assert stack.processes["web"].wait(30) == 0
    took = time.monotonic() - stopped
    wait_for(lambda: all(s.ended_cleanly is not None for s in streams), 10, what="streams end")
    assert all(stream.ended_cleanly for stream in streams)  # closed by the server, not broken
    assert took < 10  # well before GRACEFUL_TIMEOUT (20 s here): streams did not hold it up
