"""API keys on the live streams (a real gunicorn worker): read scope, ownership, revocation."""

from datetime import timedelta

import pytest
import requests
import websocket

from pulseguard.extensions import db
from pulseguard.models import ApiKey
from pulseguard.models.types import utcnow
from tests.conftest import PASSWORD
from tests.live.clients import SseClient, WsClient

pytestmark = pytest.mark.once

SSE = "/api/events/status/"
WS = "/ws/status/"
INVALID = "Invalid or expired API key"


@pytest.fixture
def api_key(app):
    """Issue a key for a user; return the key (and its id as .id on a str subclass)."""

    class Key(str):
        id: int

    def make(user, scopes=("read",), expires_in_s=None):
        with app.app_context():
            expires = utcnow() + timedelta(seconds=expires_in_s) if expires_in_s else None
            row, secret = ApiKey.issue(user.id, f"k{utcnow().timestamp()}", scopes, expires)
            db.session.commit()
            key = Key(secret)
            key.id = row.id
            return key

    return make


def opened(stream):
    stream.events_until(lambda m: m.get("event") == "ping")
    return stream


def test_a_read_key_streams_its_users_servers_only(
    server, alice, bob, api_key, make_server, as_bob, record, emit
):
    alices = make_server(name="alice-web")
    bobs = make_server(api=as_bob, name="bob-web")
    headers = {"X-API-Key": api_key(bob)}
    stream = SseClient(server.url + SSE, headers=headers)
    try:
        assert stream.next() == {"retry": "5000"}
        assert [s["server"] for s in stream.next_event()["data"]] == [bobs["id"]]
        stream.next_event()
        emit(record(alices["id"]))
        emit(record(bobs["id"]))
        assert stream.next_event()["data"]["server"] == bobs["id"]  # alice's never came
    finally:
        stream.close()


def test_sse_refuses_bad_keys_keys_without_read_and_keys_in_the_url(server, alice, api_key):
    pusher = api_key(alice, scopes=["push"])
    reader = api_key(alice)
    for headers, code, message in (
        ({"X-API-Key": "pgk_nonsense"}, 401, INVALID),
        ({"Authorization": f"Bearer {reader[:-2]}xx"}, 401, INVALID),
        ({"X-API-Key": pusher}, 403, "This API key lacks the 'read' scope."),
    ):
        response = requests.get(server.url + SSE, headers=headers, timeout=5)
        assert response.status_code == code
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json()["message"] == message
    in_url = requests.get(server.url + SSE, params={"token": reader}, timeout=5)
    assert in_url.status_code == 401


def test_a_websocket_takes_a_read_key_in_the_header_only(server, alice, api_key, make_server):
    web = make_server()
    ws = WsClient(server.ws_url + WS, api_key(alice))  # Authorization: Bearer pgk_...
    try:
        assert ws.ask({"action": "subscribe"}) == {"type": "subscribed", "servers": [web["id"]]}
    finally:
        ws.close()
    for key, header_token, code in (
        (api_key(alice, scopes=["push"]), True, 4003),
        ("pgk_nonsense", True, 4001),
        (api_key(alice), False, 4001),  # ?token=pgk_...
    ):
        ws = WsClient(server.ws_url + WS, key, header_token=header_token)
        try:
            assert ws.close_code(timeout=5) == code
        except websocket.WebSocketException:
            pytest.fail("the socket should be accepted and then closed")
        finally:
            ws.close()


def test_revoking_a_key_ends_its_streams(server, alice, api_key, login):
    key, other = api_key(alice), api_key(alice)
    sse = opened(SseClient(server.url + SSE, key))
    ws = WsClient(server.ws_url + WS, key)
    kept = opened(SseClient(server.url + SSE, other))
    try:
        assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
        assert login(alice).delete(f"/api/auth/api-keys/{key.id}/").status_code == 204
        assert sse.ended(timeout=10)
        assert ws.close_code(timeout=10) == 4001
        assert kept.next(timeout=3) == {"comment": "heartbeat"}
    finally:
        for stream in (sse, ws, kept):
            stream.close()


def test_a_password_change_leaves_key_streams_open(server, alice, api_key, token):
    stream = opened(SseClient(server.url + SSE, api_key(alice)))
    try:
        body = {"old_password": PASSWORD, "new_password": "another long passphrase"}
        headers = {"Authorization": f"Bearer {token(alice)}"}
        changed = requests.post(server.url + "/api/auth/password/", json=body, headers=headers)
        assert changed.status_code == 200
        assert not stream.ended(timeout=2)  # heartbeats keep coming
    finally:
        stream.close()


def test_a_stream_ends_when_its_key_expires(server, alice, api_key):
    key = api_key(alice, expires_in_s=3)
    stream = opened(SseClient(server.url + SSE, key))
    try:
        assert stream.ended(timeout=10)
    finally:
        stream.close()
