"""One published batch, decoded once per process and encoded once per stream format."""

import json
from collections import defaultdict


def dumps(value) -> str:
    """Return compact JSON (dates and other odd values as strings)."""
    return json.dumps(value, separators=(",", ":"), default=str)


def sse_message(event: str, data, event_id=None) -> str:
    """Return one Server-Sent Events message (the data is JSON on one line)."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {dumps(data)}\n\n"


class Event:
    """A `ping` or `status` event of one server; its SSE text is built at most once."""

    __slots__ = ("type", "server_id", "owner_id", "id", "data", "_sse")

    def __init__(self, raw: dict):
        self.type = raw["type"]
        self.server_id = int(raw["server_id"])
        self.owner_id = int(raw["owner_id"])
        self.id = int(raw["id"])
        self.data = raw["data"]
        self._sse = None

    @property
    def sse(self) -> str:
        if self._sse is None:
            self._sse = sse_message(self.type, self.data, self.id)
        return self._sse


class Update:
    """One check of one server as a WebSocket `update` message (ping and status together)."""

    __slots__ = ("server_id", "owner_id", "id", "ping", "status", "_text")

    def __init__(self, server_id, owner_id, event_id):
        self.server_id, self.owner_id, self.id = server_id, owner_id, event_id
        self.ping = self.status = None
        self._text = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = dumps({"type": "update", "ping": self.ping, "status": self.status})
        return self._text


class Batch:
    """The events of one publish() call, grouped by owner for a cheap fan-out."""

    __slots__ = ("events", "by_owner", "status_of", "_updates")

    def __init__(self, events: list[Event]):
        self.events = events
        self.by_owner = defaultdict(list)
        # A ping passes a stream's status filter when its server's status in this batch does.
        self.status_of = {}
        for event in events:
            self.by_owner[event.owner_id].append(event)
            if event.type == "status" and isinstance(event.data, dict):
                self.status_of[event.server_id] = event.data.get("status")
        self._updates = {}

    @classmethod
    def decode(cls, payload) -> "Batch":
        """Return the batch a bus message carries (a JSON array of events)."""
        raw = json.loads(payload)
        if isinstance(raw, dict):
            raw = [raw]
        return cls([Event(item) for item in raw])

    def updates(self, owner_id: int | None = None) -> list[Update]:
        """Return an owner's part of the batch (None: all of it) as WebSocket updates."""
        updates = self._updates.get(owner_id)
        if updates is None:
            events = self.events if owner_id is None else self.by_owner.get(owner_id, ())
            pairs = {}
            for event in events:
                key = (event.server_id, event.id)
                update = pairs.get(key)
                if update is None:
                    update = pairs[key] = Update(event.server_id, event.owner_id, event.id)
                setattr(update, "ping" if event.type == "ping" else "status", event.data)
            updates = self._updates[owner_id] = list(pairs.values())
        return updates
