"""What the hub knows of one open stream: who watches, how to write to it, and how to drop it."""

import logging
import time
from typing import NamedTuple

from gevent.queue import Full, Queue

from pulseguard.live.events import Part
from pulseguard.live.wire import send_now, shutdown_socket

log = logging.getLogger(__name__)

# Markers the hub puts on a stream's queue besides batches of events.
CLOSE = "close"  # the process is shutting down: end the stream now
RESYNC = "resync"  # the bus was interrupted: catch up from the database
UNAUTHORIZED = "unauthorized"  # the stream's token was revoked: end the stream
CAUGHT_S = 30.0  # how long a catch-up's ids are kept against duplicates (see Stream.unseen)


class Unsent(bytes):
    """The rest of a write the socket did not take at once: already framed, it goes out first."""


class Viewer(NamedTuple):
    """Who a stream belongs to, and the credential it was opened with (no ORM object kept)."""

    id: int
    is_admin: bool
    jti: str | None = None
    token_version: int = 0
    expires_at: float | None = None  # the token's (or key's) expiry, seconds since the epoch
    api_key: int | None = None  # the id of the API key the stream was opened with

    @classmethod
    def of(cls, credential) -> "Viewer":
        """Return the viewer of a request's credential (security.Credential)."""
        grant = credential.grant
        if grant is not None:
            return cls(credential.id, credential.is_admin, None, 0, grant.expires_at, grant.id)
        token = credential.token
        return cls(
            credential.id,
            credential.is_admin,
            token.get("jti"),
            token.get("ver", 0),
            token.get("exp"),
        )

    def seconds_left(self) -> float | None:
        """Return how long the token stays valid (None: for ever)."""
        return None if self.expires_at is None else self.expires_at - time.time()


class Stream:
    """Base of the SSE and WebSocket streams: the hub offers it batches, it keeps what it wants.

    While the stream's greenlet waits with nothing queued (`idle`), the hub writes what the
    stream wants straight to its socket, already encoded once per batch: no queue, no greenlet
    switch, no per-client encoding. Whatever the socket does not take at once is queued, and the
    stream's greenlet writes it and everything after it, in order.
    """

    kind = "stream"
    __slots__ = (
        "viewer",
        "queue",
        "sock",
        "direct",
        "idle",
        "dropped",
        "generation",
        "max_seen",
        "registered",
        "caught",
        "caught_until",
    )

    def __init__(self, viewer: Viewer, size: int, sock=None):
        self.viewer = viewer
        self.queue = Queue(maxsize=size)
        self.sock = sock
        self.direct = None  # the socket the hub may write to while the stream is idle
        self.idle = False
        self.dropped = False
        self.generation: int | None = (
            None  # the hub subscription it is in sync with (None: registering)
        )
        self.max_seen = 0  # the highest event id delivered, to catch up from after a bus gap
        self.registered = False
        self.caught: set[int] = set()  # ids the last catch-up delivered (see unseen)
        self.caught_until = 0.0

    def select(self, batch, part):
        """Return what the stream wants of a part: the part itself, a list of items, or None."""
        raise NotImplementedError

    def encode(self, wanted) -> bytes:
        """Return what select() returned as bytes ready for the socket."""
        raise NotImplementedError

    def writable(self) -> bool:
        """Tell whether the hub may write to the socket now (nobody is midway through a write)."""
        return True

    def offer(self, batch, part) -> None:
        """Write or queue what the stream wants of a batch; drop the stream when it lags."""
        if self.dropped or not self.registered:
            return
        wanted = self.unseen(self.select(batch, part))
        if not wanted:
            return
        if self.idle and self.writable():
            self.saw(wanted)
            self.write_now(self.encode(wanted))
        else:
            self.put(wanted)

    def caught_up(self, ids) -> None:
        """Remember the ids a catch-up delivered: their live copies may still be on the way."""
        if ids:
            self.caught, self.caught_until = set(ids), time.monotonic() + CAUGHT_S

    def unseen(self, wanted):
        """What of a part (or list of events) a catch-up has not delivered already.

        A catch-up reads the database, so it also delivers events committed before the read
        whose bus message comes after it (queued behind it, or still being published): each of
        those would reach the client twice. CAUGHT_S later none can be on the way any more.
        """
        if not self.caught or not wanted:
            return wanted
        if time.monotonic() > self.caught_until:
            self.caught = set()
            return wanted
        events = wanted.events if isinstance(wanted, Part) else wanted
        left = [event for event in events if event.id not in self.caught]
        return wanted if len(left) == len(events) else left

    def saw(self, wanted) -> None:
        """Remember the highest event id delivered."""
        top = wanted.max_id if isinstance(wanted, Part) else max(item.id for item in wanted)
        if top > self.max_seen:
            self.max_seen = top

    def write_now(self, data: bytes) -> None:
        """Write without waiting; queue the rest when the socket's buffer is full."""
        try:
            sent = send_now(self.direct, data)
        except OSError as error:
            self.drop(f"writing failed ({error})")
            return
        if sent < len(data):
            self.owe(data[sent:])

    def owe(self, rest: bytes) -> None:
        """Have the stream's greenlet write the rest of a write, before anything else."""
        self.put(Unsent(rest))

    def put(self, item) -> None:
        """Queue an item without ever waiting; a stream that cannot keep up is dropped."""
        self.idle = False
        try:
            self.queue.put_nowait(item)
        except Full:
            self.drop("it stopped reading")

    def drop(self, reason: str) -> None:
        """Stop serving the stream: shut its socket so that its greenlet ends."""
        if self.dropped:
            return
        self.dropped = True
        self.idle = False
        log.info("Dropping a %s stream of user %s: %s", self.kind, self.viewer.id, reason)
        if self.sock is not None:
            shutdown_socket(self.sock)
