"""A WebSocket frame fuzzer against a real gunicorn gevent worker (issue 18).

Hypothesis sends random and hostile messages on one of alice's sockets: text that is not JSON,
binary frames, JSON that is no object, actions holding hostile values (tests/hostile.py), id
lists with huge, negative and bob's ids. Each message must get one JSON reply on the same open
socket: {"type": "error"} for every message that cannot be valid (naming the field for NUL or a
lone surrogate), never the catch-all "the server logged why" (what a 500 would have been), never
bob's servers; and the socket still answers a valid message every few messages and at the end.
"""

import json
import zlib

import websocket
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from pulseguard.api.fields import MAX_ID
from tests.hostile import Hostile, json_value, overlong

EXAMPLES = 300
ACTIONS = ("latest", "subscribe", "unsubscribe")
FIELDS = ("server_ids", "query", "limit")
REPLIES = {"error", "latest", "subscribed", "unsubscribed"}
CRASHED = "the server logged why"  # the catch-all answer of an action that raised


def with_field(action, name, hostile):
    text = json.dumps({"action": action, name: "__hostile__"})
    return Hostile(text.replace('"__hostile__"', hostile.text, 1), hostile.expect and "error")


def id_list(ids):
    valid = all(isinstance(i, int) and 1 <= i <= MAX_ID for i in ids)
    return Hostile(json.dumps({"action": "latest", "server_ids": ids}), None if valid else "error")


def messages(bob_server):
    """Messages, each with "error" when it cannot be valid."""
    ids = st.integers() | st.just(bob_server) | st.floats(allow_nan=False, allow_infinity=False)
    return st.one_of(
        st.builds(with_field, st.sampled_from(ACTIONS), st.sampled_from(FIELDS), json_value),
        st.lists(ids, max_size=5).map(id_list),
        json_value.map(lambda hostile: Hostile(hostile.text, "error")),  # never an action
        st.text(max_size=50).map(lambda text: Hostile("{" + text, "error")),
        overlong.map(lambda text: Hostile(text, "error")),
        st.binary(max_size=64).map(lambda data: Hostile(data, "error")),
        st.sampled_from(ACTIONS).map(lambda a: Hostile(json.dumps({"action": a}))),
        json_value.map(lambda hostile: Hostile('{"action":' + hostile.text + "}", "error")),
    )


def problems_of(hostile, reply, bob_server):
    if reply.get("type") not in REPLIES:
        return f"not a reply: {reply}"
    if CRASHED in reply.get("message", ""):
        return f"the handler raised: {reply}"
    if hostile.expect == "error" and reply["type"] != "error":
        return f"accepted: {reply}"
    shown = [s.get("server") for s in reply.get("statuses", [])] + reply.get("servers", [])
    if bob_server in shown:
        return f"bob's server in alice's reply: {reply}"
    return None


def test_hostile_frames_get_errors_and_the_socket_keeps_answering(
    connect, alice, token, as_bob, make_server
):
    make_server(name="alice-web")
    bob_server = make_server(api=as_bob, name="bob-web")["id"]
    ws = connect(token(alice))
    sent = []

    @given(hostile=messages(bob_server))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @seed(zlib.crc32(b"ws frames"))
    def run(hostile):
        if isinstance(hostile.text, bytes):
            ws.ws.send_binary(hostile.text)
        else:
            ws.send(hostile.text)
        try:
            reply = ws.receive()
        except (websocket.WebSocketException, OSError) as broken:  # e.g. "HTTP/1.1 500" in it
            raise AssertionError(f"{hostile.text[:200]!r} broke the socket: {broken!r}") from None
        problem = problems_of(hostile, reply, bob_server)
        assert problem is None, f"{hostile.text[:200]!r}: {problem}"
        sent.append(hostile)
        if len(sent) % 10 == 0:
            assert ws.ask({"action": "latest"})["type"] == "latest", "the socket stopped answering"

    run()
    assert len(sent) >= EXAMPLES
    assert ws.ask({"action": "latest"})["type"] == "latest"
