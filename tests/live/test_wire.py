"""The bytes on the wire: what the hub writes to sockets itself is what the stream would write."""

import json
import socket

import pytest
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage
from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import FrameProtocol

from pulseguard.live.wire import ws_text_frame
from tests.conftest import REDIS_URL
from tests.live.clients import RawSse, WsClient
from tests.live.conftest import Gunicorn

pytestmark = pytest.mark.once

WS = "/ws/status/"


def sse_text(events):
    """The SSE messages a check's events become (without the final blank line)."""
    return [
        f"id: {event['id']}\nevent: {event['type']}\ndata: "
        + json.dumps(event["data"], separators=(",", ":"))
        for event in events
    ]


def update_text(events):
    update = {"type": "update", "ping": events[0]["data"], "status": events[1]["data"]}
    return json.dumps(update, separators=(",", ":"))


def open_raw_sse(port, access, **options):
    stream = RawSse(port, access, **options)
    assert " 200 " in stream.status
    assert stream.next() == "retry: 5000"
    assert stream.next_event().startswith("event: status\n")
    assert stream.next_event().startswith("event: ping\n")
    return stream


@pytest.mark.parametrize("size", [100, 1000, 70_000])
def test_websocket_frames_are_those_wsproto_would_send(size):
    text = "x" * size
    assert ws_text_frame(text) == FrameProtocol(client=False, extensions=[]).send_data(text)


@pytest.mark.parametrize("size", [0, 70_000])  # 16-bit and 64-bit frame lengths
def test_updates_of_any_size_arrive_as_whole_unmasked_text_frames(
    server, alice, token, make_server, record, emit, size
):
    web = make_server()
    ws = WsClient(server.ws_url + WS, token(alice))
    try:
        assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
        events = record(web["id"])
        events[0]["data"]["error_message"] = "e" * size
        emit(events)
        first, masked, payload = ws.raw_frame()
        assert (first, masked) == (0x81, False)  # FIN, text; servers never mask
        assert payload.decode() == update_text(events)
    finally:
        ws.close()


@pytest.mark.parametrize("version", ["HTTP/1.1", "HTTP/1.0"])
def test_sse_bodies_are_chunked_for_http_1_1_and_plain_for_http_1_0(
    server, alice, token, make_server, record, emit, version
):
    web = make_server()
    stream = open_raw_sse(server.port, token(alice), version=version)
    try:
        assert stream.chunked == (version == "HTTP/1.1")
        events = record(web["id"], status="failure", health="down")
        emit(events)
        assert [stream.next_event(), stream.next_event()] == sse_text(events)
    finally:
        stream.close()


def test_a_client_that_reads_slowly_gets_every_update_whole_and_in_order(
    server, alice, token, make_server, record, emit
):
    web = make_server()
    ws = WsClient(server.ws_url + WS, token(alice), rcvbuf=4096)
    sse = open_raw_sse(server.port, token(alice), rcvbuf=4096)
    try:
        assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
        sent = []
        for _ in range(30):  # ~2 MB each way: far more than the socket buffers hold
            events = record(web["id"])
            events[0]["data"]["error_message"] = "s" * 65536
            emit(events)
            sent.append(events)
        for events in sent:  # only now does either client read
            assert ws.raw_frame(timeout=10)[2].decode() == update_text(events)
        for events in sent:
            assert [sse.next_event(), sse.next_event()] == sse_text(events)
    finally:
        ws.close()
        sse.close()


class DeflateClient:
    """A WebSocket client (wsproto) that negotiates permessage-deflate, as browsers do."""

    def __init__(self, port, access):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.conn = WSConnection(ConnectionType.CLIENT)
        target = f"{WS}?token={access}"
        request = Request(host="test", target=target, extensions=[PerMessageDeflate()])
        self.sock.sendall(self.conn.send(request))
        self.accepted = self.next_event()
        self.text = ""

    def next_event(self):
        while True:
            for event in self.conn.events():
                return event
            self.conn.receive_data(self.sock.recv(65536))

    def ask(self, message):
        self.sock.sendall(self.conn.send(TextMessage(data=json.dumps(message))))
        return self.receive()

    def receive(self):
        text = ""
        while True:
            event = self.next_event()
            assert isinstance(event, TextMessage), event
            text += event.data
            if event.message_finished:
                return json.loads(text)


def test_a_client_with_permessage_deflate_reads_updates_and_compressed_replies(
    server, alice, token, make_server, record, emit
):
    web = make_server()
    client = DeflateClient(server.port, token(alice))
    try:
        assert isinstance(client.accepted, AcceptConnection)
        assert [ext.name for ext in client.accepted.extensions] == ["permessage-deflate"]
        assert client.ask({"action": "subscribe"}) == {"type": "subscribed", "servers": [web["id"]]}
        for _ in range(2):  # replies (compressed) and updates (not) interleave
            events = record(web["id"])
            emit(events)
            assert client.receive() == json.loads(update_text(events))
            assert client.ask({"action": "latest", "limit": 1})["pings"] == [events[0]["data"]]
    finally:
        client.sock.close()


def test_direct_writes_put_the_same_messages_on_the_wire_as_the_streams_own_greenlets(
    publisher, server, database_url, alice, token, make_server, record, emit
):
    queued = Gunicorn(
        database_url, REDIS_URL, publisher.config["EVENTS_CHANNEL"], LIVE_DIRECT_WRITES=0
    )
    web = make_server()
    clients = {}
    try:
        for name, gunicorn in (("direct", server), ("queued", queued)):
            ws = WsClient(gunicorn.ws_url + WS, token(alice))
            assert ws.ask({"action": "subscribe"})["type"] == "subscribed"
            clients[name] = (open_raw_sse(gunicorn.port, token(alice)), ws)
        sent = []
        for status in ("success", "failure", "timeout"):
            events = record(
                web["id"], status=status, health="up" if status == "success" else "down"
            )
            emit(events)
            sent.append(events)
        seen = {}
        for name, (sse, ws) in clients.items():
            messages = [sse.next_event() for _ in range(2 * len(sent))]
            frames = [ws.raw_frame() for _ in sent]
            seen[name] = (messages, frames)
        assert seen["direct"] == seen["queued"]
        assert seen["direct"][0] == [text for events in sent for text in sse_text(events)]
        assert seen["direct"][1] == [(0x81, False, update_text(e).encode()) for e in sent]
    finally:
        for sse, ws in clients.values():
            sse.close()
            ws.close()
        queued.terminate()
