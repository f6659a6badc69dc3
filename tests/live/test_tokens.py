"""Open streams end when their token expires or is revoked, as a new connection would be refused."""

import pytest
import requests

from tests.conftest import PASSWORD
from tests.live.clients import SseClient, WsClient

pytestmark = pytest.mark.once

SSE = "/api/events/status/"
WS = "/ws/status/"


def opened(stream):
    stream.events_until(lambda m: m.get("event") == "ping")
    return stream


def post(server, path, access, body):
    headers = {"Authorization": f"Bearer {access}"}
    return requests.post(server.url + path, json=body, headers=headers, timeout=5)


def test_an_sse_stream_ends_when_its_token_expires(server, alice, token, short_token):
    short = opened(SseClient(server.url + SSE, short_token(alice, 2)))
    lasting = opened(SseClient(server.url + SSE, token(alice)))
    try:
        assert short.ended(timeout=10)
        assert lasting.next(timeout=3) == {"comment": "heartbeat"}  # still streaming
    finally:
        short.close()
        lasting.close()


def test_a_websocket_closes_with_4001_when_its_token_expires(server, alice, token, short_token):
    short = WsClient(server.ws_url + WS, short_token(alice, 2))
    lasting = WsClient(server.ws_url + WS, token(alice))
    try:
        assert short.ask({"action": "subscribe"})["type"] == "subscribed"
        assert short.close_code(timeout=10) == 4001
        assert lasting.ask({"action": "latest"})["type"] == "latest"  # still open
    finally:
        short.close()
        lasting.close()


def test_logging_out_ends_the_streams_of_that_token_only(server, alice, token):
    access, other = token(alice), token(alice)
    sse = opened(SseClient(server.url + SSE, access))
    ws = WsClient(server.ws_url + WS, access)
    kept = opened(SseClient(server.url + SSE, other))
    try:
        assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
        assert post(server, "/api/auth/logout/", access, {}).status_code == 204
        assert sse.ended(timeout=10)
        assert ws.close_code(timeout=10) == 4001
        assert kept.next(timeout=3) == {"comment": "heartbeat"}
    finally:
        for stream in (sse, ws, kept):
            stream.close()


def test_changing_the_password_ends_every_stream_of_the_user(server, alice, bob, token):
    access = token(alice)
    sse = opened(SseClient(server.url + SSE, access))
    ws = WsClient(server.ws_url + WS, token(alice))
    bobs = opened(SseClient(server.url + SSE, token(bob)))
    try:
        assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
        body = {"old_password": PASSWORD, "new_password": "another long passphrase"}
        assert post(server, "/api/auth/password/", access, body).status_code == 200
        assert sse.ended(timeout=10)
        assert ws.close_code(timeout=10) == 4001
        assert bobs.next(timeout=3) == {"comment": "heartbeat"}
    finally:
        for stream in (sse, ws, bobs):
            stream.close()
