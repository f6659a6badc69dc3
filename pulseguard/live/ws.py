"""/ws/status/: the WebSocket API (actions latest, subscribe, unsubscribe; update events)."""

import logging

from flask import Blueprint, current_app
from marshmallow import ValidationError
from simple_websocket import ConnectionClosed

from pulseguard import hygiene
from pulseguard.appctx import real_app
from pulseguard.extensions import db
from pulseguard.live import queries
from pulseguard.live.catchup import when_database_allows
from pulseguard.live.events import Part, dumps
from pulseguard.live.hub import hub_for
from pulseguard.live.schemas import LatestSchema, SubscribeSchema, UnsubscribeSchema
from pulseguard.live.stream import (
    CLOSE,
    RESYNC,
    UNAUTHORIZED,
    Stream,
    Viewer,
)
from pulseguard.live.wire import Connection, direct_socket, ws_text_frame
from pulseguard.security import authenticate_request, credential
from pulseguard.web_extensions import sock

log = logging.getLogger(__name__)
bp = Blueprint("live_ws", __name__)

UNAUTHENTICATED = 4001
FORBIDDEN = 4003  # an API key without the read scope
GOING_AWAY = 1001


class WsStream(Stream):
    """A WebSocket client: receives updates of the servers it subscribed to (all: every one)."""

    kind = "ws"
    __slots__ = ("all", "servers", "conn")

    def __init__(self, viewer, size, conn: Connection):
        super().__init__(viewer, size, conn.sock)
        self.all = False
        self.servers: set[int] = set()
        self.conn = conn  # what the client's greenlet sleeps on

    def put(self, item) -> None:
        super().put(item)
        self.conn.wake()

    def writable(self) -> bool:
        return self.conn.writable()

    def owe(self, rest: bytes) -> None:
        # Owed to the socket, not queued: a pong the reader sends meanwhile must come after it.
        self.conn.owe(rest)
        self.idle = False
        self.conn.wake()

    def select(self, batch, part):
        if self.all:
            return part
        if not self.servers:
            return None
        wanted = [update for update in part.updates if update.server_id in self.servers]
        return wanted + part.notices

    def encode(self, wanted) -> bytes:
        if isinstance(wanted, Part):
            return wanted.frames
        return b"".join(item.frame for item in wanted)

    def subscribed_ids(self):
        """Return the subscribed server ids (all the viewer's servers when subscribed to all)."""
        if self.all:
            return queries.server_ids_matching(self.viewer)
        return sorted(self.servers)


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
        message = hygiene.loads(text)
    except hygiene.BadInputError as bad:
        return error(bad.message, bad.errors)
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
    except Exception:  # noqa: BLE001 - one bad message must not end the client's socket
        log.exception("WebSocket action %s failed", action)
        return error(f"The {action} action failed: the server logged why.")
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
        stream.caught_up(ping["id"] for ping in pings)
    return [
        dumps({"type": "update", "ping": ping, "status": statuses.get(ping["server"])})
        for ping in pings
    ]


def send_queued(app, ws, stream) -> bool:
    """Send what the hub queued for the client; return False once the socket is closed."""
    conn = stream.conn
    parts: list[bytes] = []
    while not stream.queue.empty():
        item = stream.queue.get_nowait()
        if item is CLOSE or item is UNAUTHORIZED:
            if parts:
                conn.send_frames(b"".join(parts))
            if item is CLOSE:
                ws.close(GOING_AWAY, "Server shutting down.")
            else:
                ws.close(UNAUTHENTICATED, "Token revoked: authenticate again.")
            return False
        if item is RESYNC:

            def read():
                with app.app_context():
                    return missed_updates(stream)

            parts += [ws_text_frame(text) for text in when_database_allows(stream, read, [])]
        elif item := stream.unseen(item):  # not delivered by a catch-up already
            stream.saw(item)
            parts.append(stream.encode(item))
    if parts or conn.owes():
        if not ws.connected:
            raise ConnectionClosed(ws.close_reason, ws.close_message)
        conn.send_frames(b"".join(parts))
    return True


def serve(ws, viewer):
    """Serve one authenticated client until it goes away or its token expires.

    One greenlet per client does everything: it sleeps on the socket's event, which both the
    socket's reader (a message came, or the client left) and the hub (something was queued) set.
    While it sleeps with nothing queued, the hub writes updates to the socket itself.
    """
    app = real_app()
    hub = hub_for(app)
    conn = Connection(ws)
    stream = WsStream(viewer, app.config.get("LIVE_QUEUE_SIZE", 256), conn)
    if app.config.get("LIVE_DIRECT_WRITES", True):
        stream.direct = direct_socket(conn.raw)
    hub.register(stream)
    try:
        stream.max_seen = queries.newest_ping_id()
        db.session.remove()
        while not stream.dropped and send_queued(app, ws, stream):
            for text in conn.messages():
                ws.send(dumps(answer(stream, text)))
            if not ws.connected:
                break
            left = viewer.seconds_left()
            if left is not None and left <= 0:
                ws.close(UNAUTHENTICATED, "Token expired: authenticate again.")
                break
            stream.idle = stream.direct is not None and stream.queue.empty()
            conn.sleep(left)
            stream.idle = False
    except (ConnectionClosed, OSError):
        pass
    finally:
        hub.unregister(stream)


@sock.route("/ws/status/", bp=bp)
def status_socket(ws):
    """Authenticate (a JWT in the header or ?token=, an API key in a header), or close with
    4001 (4003 for a key without `read`); then serve the client."""
    user = authenticate_request()
    if user is None:
        db.session.remove()
        ws.close(UNAUTHENTICATED, "Authentication required: send a valid access token.")
        return
    grant = credential().grant
    if grant is not None and not grant.allows("read"):
        db.session.remove()
        ws.close(FORBIDDEN, "This API key lacks the 'read' scope.")
        return
    viewer = Viewer.of(credential())
    db.session.remove()
    serve(ws, viewer)
