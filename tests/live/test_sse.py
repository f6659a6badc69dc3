"""The SSE stream through a real gunicorn gevent worker fed by Redis pub/sub."""

import pytest
import requests

from tests.live.clients import SseClient
from tests.live.conftest import ago

pytestmark = pytest.mark.once

PATH = "/api/events/status/"


def test_it_refuses_a_stream_without_a_valid_token(server):
    for headers in ({}, {"Authorization": "Bearer not-a-jwt"}):
        response = requests.get(server.url + PATH, headers=headers, timeout=5)
        assert response.status_code == 401
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json()["code"] == 401


def test_it_opens_with_retry_the_status_snapshot_and_the_latest_pings(
    server, alice, token, make_server, record
):
    web = make_server(name="web")
    db = make_server(name="db")
    record(web["id"], at=ago(minutes=3))
    record(db["id"], status="failure", health="down", at=ago(minutes=2))
    newest = record(web["id"], at=ago(minutes=1))[0]["id"]

    stream = SseClient(server.url + PATH, token(alice), params={"limit": 2})
    try:
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
        assert stream.next() == {"retry": "5000"}
        status = stream.next_event()
        assert status["event"] == "status"
        assert [s["server"] for s in status["data"]] == [web["id"], db["id"]]
        assert [s["status"] for s in status["data"]] == ["up", "down"]
        assert {"24h", "7d", "30d"} <= status["data"][0]["uptime"].keys()
        pings = stream.next_event()
        assert pings["event"] == "ping"
        assert pings["id"] == str(newest)
        assert [p["id"] for p in pings["data"]] == [newest, newest - 1]  # newest first, limit 2
    finally:
        stream.close()


def test_it_pushes_each_check_as_ping_and_status_events_with_ids(
    server, alice, token, make_server, record, emit
):
    web = make_server()
    stream = SseClient(server.url + PATH, token(alice))
    try:
        stream.events_until(lambda m: m.get("event") == "ping")  # the opening
        events = record(web["id"], status="failure", health="down")
        emit(events)
        ping, status = stream.next_event(), stream.next_event()
        assert ping == {"id": str(events[0]["id"]), "event": "ping", "data": events[0]["data"]}
        assert status["event"] == "status" and status["id"] == str(events[0]["id"])
        assert status["data"]["status"] == "down"
    finally:
        stream.close()


def test_it_sends_heartbeats_while_idle(server, alice, token):
    stream = SseClient(server.url + PATH, token(alice))
    try:
        stream.events_until(lambda m: m.get("event") == "ping")
        assert stream.next(timeout=3) == {"comment": "heartbeat"}
    finally:
        stream.close()


def test_it_takes_the_token_from_the_query_string(server, alice, token):
    stream = SseClient(server.url + PATH, params={"token": token(alice)})
    try:
        assert stream.response.status_code == 200
        assert stream.next() == {"retry": "5000"}
    finally:
        stream.close()


def test_it_rejects_bad_filters_with_422(server, alice, token):
    headers = {"Authorization": f"Bearer {token(alice)}"}
    for params in ({"limit": 0}, {"limit": 501}, {"status": "sideways"}, {"server_id": "x"}):
        response = requests.get(server.url + PATH, params=params, headers=headers, timeout=5)
        assert response.status_code == 422, params
        assert "errors" in response.json()


def test_it_filters_by_server_and_by_status(server, alice, token, make_server, record, emit):
    web, db = make_server(name="web"), make_server(name="db")
    record(web["id"])
    record(db["id"], status="failure", health="down")

    by_server = SseClient(server.url + PATH, token(alice), params={"server_id": str(db["id"])})
    down = SseClient(server.url + PATH, token(alice), params={"status": "down"})
    try:
        for stream in (by_server, down):
            stream.next()
            assert [s["server"] for s in stream.next_event()["data"]] == [db["id"]]
            assert [p["server"] for p in stream.next_event()["data"]] == [db["id"]]
        emit(record(web["id"], status="failure", health="down"))  # web goes down
        emit(record(db["id"]))  # db comes back up
        # by_server sees only db; down sees web going down but not db coming up.
        assert [m["data"]["server"] for m in (by_server.next_event(), by_server.next_event())] == [
            db["id"],
            db["id"],
        ]
        seen = [down.next_event(), down.next_event()]
        assert [(m["event"], m["data"]["server"]) for m in seen] == [
            ("ping", web["id"]),
            ("status", web["id"]),
        ]
        emit(record(web["id"], status="failure", health="down"))
        assert down.next_event()["data"]["server"] == web["id"]  # nothing about db came between
    finally:
        by_server.close()
        down.close()


def test_since_sends_only_what_changed_after_it(server, alice, token, make_server, record):
    old, fresh = make_server(name="old"), make_server(name="fresh")
    record(old["id"], at=ago(hours=2))
    recent = record(fresh["id"], at=ago(minutes=1))[0]["id"]
    stream = SseClient(server.url + PATH, token(alice), params={"since": ago(hours=1).isoformat()})
    try:
        stream.next()
        assert [s["server"] for s in stream.next_event()["data"]] == [fresh["id"]]
        assert [p["id"] for p in stream.next_event()["data"]] == [recent]
    finally:
        stream.close()


def test_users_only_ever_see_their_own_servers(
    server, alice, bob, admin, token, as_bob, make_server, record, emit
):
    alices = make_server(name="alice-web")
    bobs = make_server(api=as_bob, name="bob-web")
    record(alices["id"])
    streams = {who: SseClient(server.url + PATH, token(who)) for who in (bob, admin)}
    try:
        bob_stream, admin_stream = streams[bob], streams[admin]
        bob_stream.next()
        assert [s["server"] for s in bob_stream.next_event()["data"]] == [bobs["id"]]
        assert bob_stream.next_event()["data"] == []
        admin_stream.next()
        assert [s["server"] for s in admin_stream.next_event()["data"]] == [
            alices["id"],
            bobs["id"],
        ]
        admin_stream.next_event()

        emit(record(alices["id"]))
        emit(record(bobs["id"]))
        assert bob_stream.next_event()["data"]["server"] == bobs["id"]  # alice's never came
        admin_servers = [admin_stream.next_event()["data"]["server"] for _ in range(4)]
        assert admin_servers == [alices["id"]] * 2 + [bobs["id"]] * 2
    finally:
        for stream in streams.values():
            stream.close()


def test_last_event_id_replays_what_was_missed_from_the_database(
    server, alice, token, make_server, record, emit
):
    web, db = make_server(name="web"), make_server(name="db")
    seen = record(web["id"])[0]["id"]
    missed = [
        record(db["id"], status="failure", health="down")[0]["id"],
        record(web["id"])[0]["id"],
    ]
    stream = SseClient(server.url + PATH, token(alice), headers={"Last-Event-ID": str(seen)})
    try:
        assert stream.next() == {"retry": "5000"}
        status = stream.next_event()
        assert status["event"] == "status"
        assert {s["server"]: s["status"] for s in status["data"]} == {
            web["id"]: "up",
            db["id"]: "down",
        }
        replay = [stream.next_event(), stream.next_event()]
        assert [(m["event"], m["id"], m["data"]["id"]) for m in replay] == [
            ("ping", str(i), i) for i in missed
        ]
        events = record(db["id"])
        emit(events)
        assert stream.next_event()["id"] == str(events[0]["id"])  # and then it carries on live
    finally:
        stream.close()


def test_a_garbled_last_event_id_gets_the_ordinary_opening(server, alice, token):
    stream = SseClient(server.url + PATH, token(alice), headers={"Last-Event-ID": "abc"})
    try:
        stream.next()
        assert stream.next_event()["event"] == "status"
        assert stream.next_event() == {"event": "ping", "data": []}
    finally:
        stream.close()
