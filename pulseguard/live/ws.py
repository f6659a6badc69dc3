"""/ws/status/: the WebSocket API (actions latest, subscribe, unsubscribe; update events)."""

import json
import logging

from flask import Blueprint, current_app
from gevent.lock import Semaphore
from marshmallow import ValidationError
from simple_websocket import ConnectionClosed
from wsproto.events import TextMessage

from pulseguard.extensions import db, sock
from pulseguard.live import queries
from pulseguard.live.events import dumps
from pulseguard.live.hub import hub_for
from pulseguard.live.schemas import LatestSchema, SubscribeSchema, UnsubscribeSchema
from pulseguard.live.stream import CLOSE, RESYNC, Stream, Viewer
from pulseguard.security import authenticate_request

log = logging.getLogger(__name__)
bp = Blueprint("live_ws", __name__)

UNAUTHENTICATED = 4001
GOING_AWAY = 1001


class WsStream(Stream):
    """A WebSocket client: receives updates of the servers it subscribed to (all: every one)."""

    kind = "ws"
    __slots__ = ("all", "servers", "wakeup")

    def __init__(self, viewer, size, sock, wakeup):
        super().__init__(viewer, size, sock)
        self.all = False
        self.servers: set[int] = set()
        self.wakeup = wakeup  # the event the client's greenlet sleeps on

    def put(self, item) -> None:
        super().put(item)
        self.wakeup.set()

    def select(self, batch, events):
        if not self.all and not self.servers:
            return None
        owner = None if events is batch.events else events[0].owner_id
        updates = batch.updates(owner)
        if self.all:
            return updates
        return [update for update in updates if update.server_id in self.servers]

    def subscribed_ids(self):
        """Return the subscribed server ids (all the viewer's servers when subscribed to all)."""
        if self.all:
            return queries.server_ids_matching(self.viewer)
        return sorted(self.servers)


class SendAll:
    """A socket whose send() sends every byte, one frame at a time.

    simple-websocket writes frames with send(), which may send part of one, and its reader
    greenlet writes pings and pongs beside ours: the lock keeps frames whole.
    """

    __slots__ = ("_sock", "_lock")

    def __init__(self, sock):
        self._sock = sock
        self._lock = Semaphore()

    def send(self, data, flags=0):
        with self._lock:
            self._sock.sendall(data, flags)
        return len(data)

    def __getattr__(self, name):
        return getattr(self._sock, name)


def error(message, errors=None):
    reply = {"type": "error", "message": message}
    if errors:
        reply["errors"] = errors
    return reply


def latest(stream, args):
    ids = queries.server_ids_matching(stream.viewer, args.get("server_ids"), args.get("query"))
    return {
        "type": "latest",
        "statuses": queries.statuses(stream.viewer, ids),
        "pings": queries.latest_pings(stream.viewer, args["limit"], ids),
    }


def subscribe(stream, args):
    if "server_ids" not in args and "query" not in args:
        stream.all = True
    elif not stream.all:
        ids = queries.server_ids_matching(stream.viewer, args.get("server_ids"), args.get("query"))
        stream.servers.update(ids)
    return {"type": "subscribed", "servers": stream.subscribed_ids()}


def unsubscribe(stream, args):
    before = set(stream.subscribed_ids())
    stream.all = False
    if "server_ids" in args:
        removed = before & set(args["server_ids"])
        stream.servers = before - removed
    else:
        removed, stream.servers = before, set()
    return {"type": "unsubscribed", "servers": sorted(removed)}


ACTIONS = {
    "latest": (LatestSchema(), latest),
    "subscribe": (SubscribeSchema(), subscribe),
    "unsubscribe": (UnsubscribeSchema(), unsubscribe),
}


def answer(stream, text):
    """Return the reply to one client message; bad input gets an error, never a closed socket."""
    try:
        message = json.loads(text)
    except (TypeError, ValueError):
        return error("Invalid JSON.")
    if not isinstance(message, dict):
        return error("A message must be a JSON object with an action.")
    action = message.pop("action", None)
    if not isinstance(action, str) or action not in ACTIONS:
        return error(f"Unknown action {action!r}: use latest, subscribe or unsubscribe.")
    schema, handler = ACTIONS[action]
    try:
        args = schema.load(message)
    except ValidationError as invalid:
        return error(f"Invalid {action} message: see errors.", invalid.messages)
    try:
        return handler(stream, args)
    finally:
        db.session.remove()


def missed_updates(stream):
    """Return the updates of subscribed servers after the last one delivered (after a bus gap)."""
    if not stream.all and not stream.servers:
        return []
    ids = None if stream.all else sorted(stream.servers)
    cap = current_app.config.get("LIVE_REPLAY_MAX", 1000)
    try:
        pings = queries.pings_after(stream.viewer, stream.max_seen, cap, ids)
        changed = sorted({ping["server"] for ping in pings})
        statuses = {s["server"]: s for s in queries.statuses(stream.viewer, changed)}
    finally:
        db.session.remove()
    if pings:
        stream.max_seen = max(stream.max_seen, pings[-1]["id"])
    return [
        dumps({"type": "update", "ping": ping, "status": statuses.get(ping["server"])})
        for ping in pings
    ]


def send_all(ws, texts):
    """Send several text messages in one socket write."""
    if not ws.connected:
        raise ConnectionClosed(ws.close_reason, ws.close_message)
    ws.sock.send(b"".join(ws.ws.send(TextMessage(data=text)) for text in texts))


def send_queued(app, ws, stream) -> bool:
    """Send what the hub queued for the client; return False when the server is shutting down."""
    texts = []
    while not stream.queue.empty():
        item = stream.queue.get_nowait()
        if item is CLOSE:
            if texts:
                send_all(ws, texts)
            ws.close(GOING_AWAY, "Server shutting down.")
            return False
        if item is RESYNC:
            with app.app_context():
                texts += missed_updates(stream)
        else:
            stream.max_seen = max(stream.max_seen, max(update.id for update in item))
            texts += [update.text for update in item]
    if texts:
        send_all(ws, texts)
    return True


def serve(ws, viewer):
    """Serve one authenticated client until it goes away.

    One greenlet per client does everything: it sleeps on the socket's event, which both the
    socket's reader (a message came, or the client left) and the hub (something was queued) set.
    """
    app = current_app._get_current_object()
    hub = hub_for(app)
    ws.sock = SendAll(ws.sock)
    stream = WsStream(viewer, app.config.get("LIVE_QUEUE_SIZE", 256), ws.sock, ws.event)
    hub.register(stream)
    try:
        stream.max_seen = queries.newest_ping_id()
        db.session.remove()
        while not stream.dropped and send_queued(app, ws, stream):
            while ws.input_buffer:
                ws.send(dumps(answer(stream, ws.input_buffer.pop(0))))
            if not ws.connected:
                break
            ws.event.wait()
            ws.event.clear()
    except (ConnectionClosed, OSError):
        pass
    finally:
        hub.unregister(stream)


@sock.route("/ws/status/", bp=bp)
def status_socket(ws):
    """Authenticate (header or ?token=), or close with 4001; then serve the client."""
    user = authenticate_request()
    if user is None:
        db.session.remove()
        ws.close(UNAUTHENTICATED, "Authentication required: send a valid access token.")
        return
    viewer = Viewer(user.id, user.is_admin)
    db.session.remove()
    serve(ws, viewer)
