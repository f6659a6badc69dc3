"""GET /api/events/status/: Server-Sent Events of statuses and check results."""

import socket

from flask import Response, current_app, request
from flask.views import MethodView
from gevent.queue import Empty

from pulseguard.api.blueprint import Blueprint
from pulseguard.appctx import real_app
from pulseguard.extensions import db
from pulseguard.live import queries
from pulseguard.live.catchup import when_database_allows
from pulseguard.live.docs import EVENTS_TAG
from pulseguard.live.events import Part, sse_message
from pulseguard.live.hub import hub_for
from pulseguard.live.schemas import EventQuerySchema
from pulseguard.live.stream import (
    CLOSE,
    RESYNC,
    UNAUTHORIZED,
    Stream,
    Unsent,
    Viewer,
)
from pulseguard.live.wire import client_socket, direct_socket, http_chunk, shutdown_socket
from pulseguard.security import credential

blp = Blueprint(
    "events",
    __name__,
    url_prefix="/api/events",
    description=EVENTS_TAG,
)

RETRY = "retry: 5000\n\n"
HEARTBEAT = ": heartbeat\n\n"
EVENT_STREAM = {"text/event-stream": {"schema": {"type": "string"}}}
STREAM_DOC = """A `text/event-stream` that never ends while the client reads it:

1. `retry: 5000`
2. `event: status`, data: a JSON array of ServerStatus (all matching, or changed since `since`)
3. `event: ping`, data: a JSON array of the latest matching PingResults, newest first (`limit`)
4. then, as checks complete, `event: ping` (one PingResult) and `event: status` (one ServerStatus),
   each with an `id:` line; `: heartbeat` comments while idle.

With a `Last-Event-ID` header (sent by browsers on reconnect) the stream starts with `retry`, an
`event: status` array of the servers that changed since that id, and every missed `ping`, oldest
first, each with its `id:` line; then it carries on live. Ids are check result ids, given out when a
result is written: with several check workers on PostgreSQL, a result can become visible just after
one with a higher id, and a client that disconnects in that instant does not get it on resume (it is
in `/api/ping-results/`; the server's next check brings its status up to date).

The stream ends when its token expires, and within `LIVE_TOKEN_CHECK_S` (15 s) of the token being
revoked (logout, password change): reconnect with a fresh token."""


class SseStream(Stream):
    """An SSE client: optional server and status filters."""

    kind = "sse"
    __slots__ = ("server_ids", "status", "chunked")

    def __init__(self, viewer, size, sock, server_ids=None, status=None):
        super().__init__(viewer, size, sock)
        self.server_ids, self.status = server_ids, status
        self.chunked = False  # whether what it writes itself needs HTTP/1.1 chunk framing

    def frame(self, text: str) -> bytes:
        """Return text as bytes for the socket (nothing stays nothing: an empty chunk ends
        a chunked body)."""
        data = text.encode()
        return http_chunk(data) if self.chunked and data else data

    def encode(self, wanted) -> bytes:
        if isinstance(wanted, Part):
            return wanted.sse(self.chunked)
        return self.frame("".join(event.sse for event in wanted))

    def select(self, batch, part):
        if self.server_ids is None and self.status is None:
            return part
        wanted = []
        for event in part.events:
            if event.notice:
                wanted.append(event)
                continue
            if self.server_ids is not None and event.server_id not in self.server_ids:
                continue
            if self.status is not None:
                if event.type == "status":
                    current = event.data.get("status")
                else:
                    current = batch.status_of.get(event.server_id)
                if current != self.status:
                    continue
            wanted.append(event)
        return wanted


def last_event_id():
    """Return the Last-Event-ID header as an int, or None when absent or not an id."""
    value = request.headers.get("Last-Event-ID", "").strip()
    return int(value) if value.isdigit() else None


def snapshot(stream, args):
    """Return the opening of a new stream and the ping ids it holds."""
    ids = stream.server_ids
    statuses = queries.statuses(stream.viewer, ids, stream.status, args.get("since"))
    pings = queries.latest_pings(
        stream.viewer, args["limit"], ids, stream.status, args.get("since")
    )
    newest = pings[0]["id"] if pings else None
    text = RETRY + sse_message("status", statuses) + sse_message("ping", pings, newest)
    return text, {ping["id"] for ping in pings}


def missed(stream, after_id, always=True):
    """Return what a stream missed after an event id: changed statuses, then each ping."""
    cap = current_app.config.get("LIVE_REPLAY_MAX", 1000)
    pings = queries.pings_after(stream.viewer, after_id, cap, stream.server_ids, stream.status)
    if not pings and not always:
        return "", set()
    changed = sorted({ping["server"] for ping in pings})
    statuses = queries.statuses(stream.viewer, changed, stream.status) if changed else []
    text = sse_message("status", statuses)
    text += "".join(sse_message("ping", ping, ping["id"]) for ping in pings)
    return text, {ping["id"] for ping in pings}


def catch_up(app, stream):
    """Return what the stream missed while the bus was down (waiting while the database is busy)."""

    def read():
        with app.app_context():
            return missed(stream, stream.max_seen, always=False)

    text, ids = when_database_allows(stream, read, ("", set()))
    if ids:
        stream.max_seen = max(stream.max_seen, *ids)
        stream.caught_up(ids)
    return text


def events(app, stream, opening, sent_ids):
    """Yield the stream: its opening, then live batches, heartbeats and catch-ups.

    Behind gunicorn only the opening goes through the response (gunicorn sends the headers with
    it); the rest is written to the socket, in chunks framed exactly as gunicorn frames them, by
    this greenlet or, while it waits, by the hub. gunicorn ends the body when the stream ends.
    """
    hub = hub_for(app)
    try:
        yield opening
        for data in body(app, stream, sent_ids):
            if stream.direct is None:
                yield data
            else:
                stream.direct.sendall(data)
    except OSError:
        pass  # the client went away
    finally:
        hub.unregister(stream)


def body(app, stream, sent_ids):
    """Yield what the stream sends after its opening, as bytes ready for the socket."""
    heartbeat_s = app.config["SSE_HEARTBEAT_S"]
    # Batches queued while the opening was read may repeat what it holds.
    pending = stream.queue.qsize()
    while not stream.dropped:
        left = stream.viewer.seconds_left()
        if left is not None and left <= 0:
            return  # the token expired: the client reconnects with a fresh one
        if stream.queue.empty():
            stream.idle = stream.direct is not None
        try:
            items = [
                stream.queue.get(timeout=heartbeat_s if left is None else min(heartbeat_s, left))
            ]
        except Empty:
            stream.idle = False
            if left is None or left > heartbeat_s:
                yield stream.frame(HEARTBEAT)
            continue
        stream.idle = False
        # A stream that fell behind catches up in one write.
        while not stream.queue.empty():
            items.append(stream.queue.get_nowait())
        parts: list[bytes] = []
        for item in items:
            if item is CLOSE:
                yield b"".join(parts)
                if stream.sock is not None:
                    shutdown_socket(stream.sock, socket.SHUT_RD)
                return
            if item is UNAUTHORIZED:
                return
            if item is RESYNC:
                parts.append(stream.frame(catch_up(app, stream)))
            elif isinstance(item, Unsent):
                parts.append(item)
            else:
                if pending:
                    pending -= 1
                    events = item.events if isinstance(item, Part) else item
                    item = [event for event in events if event.id not in sent_ids]
                item = stream.unseen(item)  # queued before a catch-up that delivered it
                if item:
                    stream.saw(item)
                    parts.append(stream.encode(item))
        data = b"".join(parts)
        if data:
            yield data


def open_stream(args):
    """Register a stream with the hub, read its opening, and return the streaming response."""
    viewer = Viewer.of(credential())
    # Streams hold no DB connection while they wait or stream.
    db.session.remove()
    app = real_app()
    server_ids = set(args["server_id"]) if "server_id" in args else None
    size = app.config.get("LIVE_QUEUE_SIZE", 256)
    sock = client_socket(request.environ)
    stream = SseStream(viewer, size, sock, server_ids, args.get("status"))
    if app.config.get("LIVE_DIRECT_WRITES", True) and request.method == "GET":
        # gunicorn (its HTTP protocol) frames a body of unknown length in chunks from HTTP/1.1.
        stream.direct = direct_socket(sock)
        protocol = request.environ.get("SERVER_PROTOCOL", "HTTP/1.0")
        stream.chunked = stream.direct is not None and protocol not in ("HTTP/1.0", "HTTP/0.9")
    hub = hub_for(app)
    hub.register(stream)
    try:
        resume_from = last_event_id()
        if resume_from is None:
            stream.max_seen = queries.newest_ping_id()
            opening, sent_ids = snapshot(stream, args)
        else:
            stream.max_seen = resume_from
            opening, sent_ids = missed(stream, resume_from)
            opening = RETRY + opening
            stream.max_seen = max([resume_from, *sent_ids])
    except BaseException:
        hub.unregister(stream)
        raise
    finally:
        db.session.remove()
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(
        events(app, stream, opening, sent_ids), mimetype="text/event-stream", headers=headers
    )


@blp.route("/status/")
class StatusEvents(MethodView):
    @blp.arguments(EventQuerySchema, location="query")
    @blp.response(200, content_type="text/event-stream", description=STREAM_DOC)
    @blp.doc(responses={"200": {"description": STREAM_DOC, "content": EVENT_STREAM}})
    @blp.alt_response(401, description="No valid token or API key (JSON error, no stream)")
    @blp.alt_response(403, description="The API key lacks the `read` scope")
    def get(self, args):
        """Stream statuses and check results as they happen (Server-Sent Events)."""
        return open_stream(args)
