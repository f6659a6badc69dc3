"""The WebSocket API through a real gunicorn gevent worker fed by Redis pub/sub."""

import pytest

pytestmark = pytest.mark.once


def test_it_closes_unauthenticated_sockets_with_4001(connect):
    assert connect().close_code() == 4001
    assert connect("not-a-jwt").close_code() == 4001
    assert connect("not-a-jwt", header_token=False).close_code() == 4001


def test_it_takes_the_token_from_the_header_or_the_query_string(connect, alice, token):
    for header_token in (True, False):
        ws = connect(token(alice), header_token)
        assert ws.ask({"action": "latest"}) == {"type": "latest", "statuses": [], "pings": []}


def test_latest_returns_statuses_and_pings_filtered(connect, alice, token, make_server, record):
    prod = make_server(name="prod-web")
    make_server(name="staging-web")
    first = record(prod["id"])[0]["id"]
    second = record(prod["id"], status="failure", health="down")[0]["id"]
    ws = connect(token(alice))

    reply = ws.ask({"action": "latest", "query": "PROD", "limit": 1})
    assert reply["type"] == "latest"
    assert [(s["server"], s["status"]) for s in reply["statuses"]] == [(prod["id"], "down")]
    assert "uptime" in reply["statuses"][0]
    assert [p["id"] for p in reply["pings"]] == [second]

    reply = ws.ask({"action": "latest", "server_ids": [prod["id"]]})
    assert [p["id"] for p in reply["pings"]] == [second, first]


def test_subscribers_get_updates_of_their_subscribed_servers_only(
    connect, alice, token, make_server, record, emit
):
    web, db = make_server(name="web"), make_server(name="db")
    ws = connect(token(alice))
    assert ws.ask({"action": "subscribe", "server_ids": [web["id"]]}) == {
        "type": "subscribed",
        "servers": [web["id"]],
    }
    emit(record(db["id"]))
    events = record(web["id"], status="failure", health="down")
    emit(events)
    update = ws.receive()
    assert update == {"type": "update", "ping": events[0]["data"], "status": events[1]["data"]}

    assert ws.ask({"action": "subscribe", "query": "db"})["servers"] == [web["id"], db["id"]]
    assert ws.ask({"action": "unsubscribe", "server_ids": [web["id"]]}) == {
        "type": "unsubscribed",
        "servers": [web["id"]],
    }
    emit(record(web["id"]))
    emit(record(db["id"]))
    assert ws.receive()["ping"]["server"] == db["id"]


def test_subscribing_to_nothing_in_particular_means_all_my_servers(
    connect, alice, token, make_server, record, emit
):
    web = make_server(name="web")
    ws = connect(token(alice))
    assert ws.ask({"action": "subscribe"})["servers"] == [web["id"]]
    later = make_server(name="added-later")
    emit(record(later["id"]))
    assert ws.receive()["status"]["server"] == later["id"]
    assert ws.ask({"action": "unsubscribe"})["servers"] == [web["id"], later["id"]]
    emit(record(web["id"]))
    assert ws.ask({"action": "latest", "limit": 1})["type"] == "latest"  # no update came first


def test_bad_messages_get_errors_and_the_socket_stays_open(connect, alice, token):
    ws = connect(token(alice))
    for message in (
        "{not json",
        "[1, 2]",
        {"action": "dance"},
        {"nothing": "here"},
        {"action": "latest", "limit": "many"},
        {"action": "latest", "limit": 0},
        {"action": "subscribe", "server_ids": "1,2"},
        {"action": "unsubscribe", "query": "x"},
    ):
        reply = ws.ask(message)
        assert reply["type"] == "error", message
        assert reply["message"]
    assert ws.ask({"action": "latest"})["type"] == "latest"


def test_hostile_messages_get_errors_and_the_socket_stays_open(connect, alice, token):
    ws = connect(token(alice))
    for message, field in (
        ('{"action": "latest", "server_ids": [18446744073709551616]}', "server_ids"),
        ('{"action": "subscribe", "server_ids": [9223372036854775808]}', "server_ids"),
        ('{"action": "latest", "query": "\\ud800"}', "query"),
        ('{"action": "subscribe", "query": "a\\u0000"}', "query"),
        ('{"action": "latest", "limit": 1.5}', "limit"),
        ('{"action": "latest", "query": ' + "[" * 1000 + "]" * 1000 + "}", None),
        ('{"action": "latest", "limit": NaN}', None),
    ):
        reply = ws.ask(message)
        assert reply["type"] == "error", message
        if field:
            assert field in reply["errors"], reply
    assert ws.ask({"action": "latest"})["type"] == "latest"


def test_users_never_receive_other_users_servers(
    connect, alice, bob, admin, token, as_bob, make_server, record, emit
):
    alices = make_server(name="alice-web")
    bobs = make_server(api=as_bob, name="bob-web")
    record(alices["id"])
    bob_ws, admin_ws = connect(token(bob)), connect(token(admin))
    assert bob_ws.ask({"action": "subscribe", "server_ids": [alices["id"]]})["servers"] == []
    latest = bob_ws.ask({"action": "latest", "server_ids": [alices["id"]]})
    assert latest == {"type": "latest", "statuses": [], "pings": []}
    assert bob_ws.ask({"action": "subscribe"})["servers"] == [bobs["id"]]
    assert admin_ws.ask({"action": "subscribe"})["servers"] == [alices["id"], bobs["id"]]

    emit(record(alices["id"]))
    emit(record(bobs["id"]))
    assert bob_ws.receive()["ping"]["server"] == bobs["id"]
    assert [admin_ws.receive()["ping"]["server"] for _ in range(2)] == [alices["id"], bobs["id"]]
