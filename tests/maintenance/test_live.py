"""`maintenance` events on SSE and WebSocket, under the ownership filter: bob never sees alice's."""

from datetime import UTC, datetime, timedelta

import pytest

from pulseguard.bus import publish
from pulseguard.monitoring.maintenance import apply_windows
from tests.live.clients import SseClient, WsClient
from tests.live.conftest import publisher, server, token  # noqa: F401

pytestmark = pytest.mark.once


def open_clients(gunicorn, access):
    sse = SseClient(gunicorn.url + "/api/events/status/", access)
    sse.events_until(lambda m: m.get("event") == "ping")  # the opening snapshot
    ws = WsClient(gunicorn.ws_url + "/ws/status/", access)
    assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
    return sse, ws


def test_a_window_start_reaches_its_owner_and_no_one_else(
    publisher,  # noqa: F811
    server,  # noqa: F811
    alice,
    bob,
    token,  # noqa: F811
    make_server,
    as_alice,
    as_bob,
):
    mine = make_server(name="alice-web")["id"]
    bobs = make_server(api=as_bob, name="bob-web")["id"]
    start = datetime.now(UTC) + timedelta(minutes=10)
    schedule = {
        "type": "once",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
    }
    body = {"name": "db upgrade", "schedule": schedule, "all_servers": True}
    window = as_alice.post("/api/maintenance-windows/", json=body).json
    alice_sse, alice_ws = open_clients(server, token(alice))
    bob_sse, bob_ws = open_clients(server, token(bob))
    try:
        with publisher.app_context():
            apply_windows(now=start + timedelta(seconds=1))
        event = alice_sse.events_until(lambda m: m.get("event") == "maintenance")[-1]
        expected = {
            "window": {"id": window["id"], "name": "db upgrade"},
            "state": "active",
            "servers": [mine],
        }
        assert event["data"] == expected and "id" not in event
        message = alice_ws.receive()
        assert message == {"type": "maintenance", **expected}
        with publisher.app_context():
            apply_windows(now=start + timedelta(hours=2))
        ended = alice_sse.events_until(lambda m: m.get("event") == "maintenance")[-1]
        assert ended["data"]["state"] == "ended"
        assert alice_ws.receive()["state"] == "ended"
        # A marker for bob, published after both of alice's events: he sees it and nothing before.
        marker = {"type": "status", "server_id": bobs, "owner_id": bob.id, "id": 0}
        with publisher.app_context():
            publish([marker | {"data": {"server": bobs, "status": "up"}}])
        seen = bob_sse.events_until(
            lambda m: m.get("event") == "status" and m["data"] == {"server": bobs, "status": "up"}
        )
        assert [m["event"] for m in seen if m["event"] == "maintenance"] == []
        assert bob_ws.receive()["type"] == "update"  # the marker, not alice's window
    finally:
        for client in (alice_sse, alice_ws, bob_sse, bob_ws):
            client.close()
