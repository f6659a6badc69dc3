"""One published batch, decoded once per process and encoded once per stream format."""

import json

from pulseguard.bus import dumps
from pulseguard.live.wire import http_chunk, ws_text_frame


def sse_message(event: str, data, event_id=None) -> str:
    """Return one Server-Sent Events message (the data is JSON on one line)."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {dumps(data)}\n\n"


RESULT_TYPES = ("ping", "status")


class Event:
    """A `ping` or `status` event of one server, or a notice (`maintenance`, `incident`, ...).

    A notice has no event id (id 0: it is not a check result to resume after) and passes every
    stream of its owner (and admins) whatever servers or status the stream filters on; on the
    WebSocket it is its own message, `{"type": <type>, ...its data}`. Its SSE text is built at
    most once, as is its frame.
    """

    __slots__ = ("type", "server_id", "owner_id", "id", "data", "notice", "_sse", "_frame")

    def __init__(self, raw: dict):
        self.type = raw["type"]
        self.server_id = int(raw.get("server_id") or 0)
        self.owner_id = int(raw["owner_id"])
        self.id = int(raw.get("id") or 0)
        self.data = raw["data"]
        self.notice = self.type not in RESULT_TYPES
        self._sse: str | None = None
        self._frame: bytes | None = None

    @property
    def sse(self) -> str:
        if self._sse is None:
            self._sse = sse_message(self.type, self.data, self.id or None)
        return self._sse

    @property
    def frame(self) -> bytes:
        """Return a notice as one WebSocket text frame."""
        if self._frame is None:
            self._frame = ws_text_frame(dumps({"type": self.type, **self.data}))
        return self._frame


class Update:
    """One check of one server as a WebSocket `update` message (ping and status together)."""

    __slots__ = ("server_id", "owner_id", "id", "ping", "status", "_text", "_frame")

    def __init__(self, server_id, owner_id, event_id):
        self.server_id, self.owner_id, self.id = server_id, owner_id, event_id
        self.ping = self.status = None
        self._text: str | None = None
        self._frame: bytes | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = dumps({"type": "update", "ping": self.ping, "status": self.status})
        return self._text

    @property
    def frame(self) -> bytes:
        if self._frame is None:
            self._frame = ws_text_frame(self.text)
        return self._frame


class Part:
    """The events one owner's streams may see of a batch (admins: all of it).

    Streams that take a whole part share its encodings: the SSE text, the same text as an HTTP
    chunk, and the WebSocket frames are each built once per batch, not once per client.
    """

    __slots__ = ("events", "max_id", "notices", "_updates", "_sse", "_chunk", "_frames")

    def __init__(self, events: list[Event]):
        self.events = events
        self.max_id = max(event.id for event in events)
        self.notices = [event for event in events if event.notice]
        self._updates: list[Update] | None = None
        self._sse: bytes | None = None
        self._chunk: bytes | None = None
        self._frames: bytes | None = None

    @property
    def updates(self) -> list[Update]:
        """Return the events as WebSocket updates, one per check (ping and status together)."""
        if self._updates is None:
            pairs: dict[tuple[int, int], Update] = {}
            for event in self.events:
                if event.notice:
                    continue
                key = (event.server_id, event.id)
                update = pairs.get(key)
                if update is None:
                    update = pairs[key] = Update(event.server_id, event.owner_id, event.id)
                setattr(update, "ping" if event.type == "ping" else "status", event.data)
            self._updates = list(pairs.values())
        return self._updates

    def sse(self, chunked: bool) -> bytes:
        """Return the SSE messages of every event, as an HTTP chunk when the body is chunked."""
        sse, chunk = self._sse, self._chunk
        if sse is None or chunk is None:
            sse = "".join(event.sse for event in self.events).encode()
            self._sse, self._chunk = sse, chunk = sse, http_chunk(sse)
        return chunk if chunked else sse

    @property
    def frames(self) -> bytes:
        """Return one WebSocket text frame per update."""
        if self._frames is None:
            frames = [update.frame for update in self.updates]
            self._frames = b"".join(frames + [notice.frame for notice in self.notices])
        return self._frames


class Batch:
    """The events of one publish() call, grouped by owner for a cheap fan-out."""

    __slots__ = ("everything", "by_owner", "status_of")

    def __init__(self, events: list[Event]):
        grouped: dict[int, list[Event]] = {}
        # A ping passes a stream's status filter when its server's status in this batch does.
        self.status_of: dict[int, str | None] = {}
        for event in events:
            grouped.setdefault(event.owner_id, []).append(event)
            if event.type == "status" and isinstance(event.data, dict):
                self.status_of[event.server_id] = event.data.get("status")
        self.by_owner = {owner: Part(owned) for owner, owned in grouped.items()}
        self.everything = Part(events) if events else None

    @classmethod
    def decode(cls, payload) -> "Batch":
        """Return the batch a bus message carries (a JSON array of events)."""
        raw = json.loads(payload)
        if isinstance(raw, dict):
            raw = [raw]
        return cls([Event(item) for item in raw])
