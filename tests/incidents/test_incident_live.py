"""`incident` events on SSE and WebSocket, under the ownership filter: bob never sees alice's."""

import time

import pytest
import requests

from pulseguard.bus import publish
from pulseguard.monitoring.record import record_results
from tests.live.clients import SseClient, WsClient
from tests.live.conftest import publisher, server, token  # noqa: F401
from tests.outcomes import DOWN, OK, result

pytestmark = pytest.mark.once


def open_clients(gunicorn, access):
    sse = SseClient(gunicorn.url + "/api/events/status/", access)
    sse.events_until(lambda m: m.get("event") == "ping")  # the opening snapshot
    ws = WsClient(gunicorn.ws_url + "/ws/status/", access)
    assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
    return sse, ws


def ws_notice(ws, kind):
    """Return the next WebSocket message of this type (updates of checks come in between)."""
    while True:
        message = ws.receive()
        if message["type"] == kind:
            return message


def without_moving_parts(incident):
    return {k: v for k, v in incident.items() if k not in ("updates", "ongoing_seconds")}


def test_incidents_reach_their_owner_live_and_no_one_else(
    publisher,  # noqa: F811
    server,  # noqa: F811
    alice,
    bob,
    token,  # noqa: F811
    make_server,
    as_bob,
):
    mine = make_server(name="alice-web")["id"]
    bobs = make_server(api=as_bob, name="bob-web")["id"]
    alice_sse, alice_ws = open_clients(server, token(alice))
    bob_sse, bob_ws = open_clients(server, token(bob))
    headers = {"Authorization": f"Bearer {token(alice)}"}
    try:
        now = time.time()
        with publisher.app_context():
            record_results([result(mine, OK, now - 10)])
            record_results([result(mine, DOWN, now)])
        opened = alice_sse.events_until(lambda m: m.get("event") == "incident")[-1]
        assert "id" not in opened
        rest = requests.get(
            f"{server.url}/api/incidents/{opened['data']['id']}/", headers=headers, timeout=5
        ).json()
        assert without_moving_parts(opened["data"]) == without_moving_parts(rest)
        assert opened["data"]["state"] == "open" and opened["data"]["server"] == mine
        message = ws_notice(alice_ws, "incident")
        assert without_moving_parts(message) == without_moving_parts({"type": "incident", **rest})
        acked = requests.post(
            f"{server.url}/api/incidents/{rest['id']}/ack/", headers=headers, timeout=5
        )
        assert acked.status_code == 200
        event = alice_sse.events_until(lambda m: m.get("event") == "incident")[-1]
        assert event["data"]["acknowledged_by"]["username"] == "alice"
        assert ws_notice(alice_ws, "incident")["acknowledged_at"] is not None
        announced = requests.post(
            f"{server.url}/api/incidents/", json={"title": "Slow API"}, headers=headers, timeout=5
        )
        assert announced.status_code == 201
        event = alice_sse.events_until(lambda m: m.get("event") == "incident")[-1]
        assert event["data"]["kind"] == "manual" and event["data"]["title"] == "Slow API"
        with publisher.app_context():
            record_results([result(mine, OK)])
        resolved = alice_sse.events_until(
            lambda m: m.get("event") == "incident" and m["data"]["state"] == "resolved"
        )[-1]
        assert resolved["data"]["id"] == rest["id"]
        # A marker for bob, published after all of alice's events: he sees it and nothing before.
        marker = {"type": "status", "server_id": bobs, "owner_id": bob.id, "id": 0}
        with publisher.app_context():
            publish([marker | {"data": {"server": bobs, "status": "up"}}])
        seen = bob_sse.events_until(
            lambda m: m.get("event") == "status" and m["data"] == {"server": bobs, "status": "up"}
        )
        assert [m for m in seen if m["event"] == "incident"] == []
        assert bob_ws.receive()["type"] == "update"  # the marker, not alice's incidents
    finally:
        for client in (alice_sse, alice_ws, bob_sse, bob_ws):
            client.close()
