"""What the hub knows of one open stream: who watches, a bounded queue, and how to drop it."""

import logging
import socket
from typing import NamedTuple

from gevent.queue import Full, Queue

log = logging.getLogger(__name__)

# Markers the hub puts on a stream's queue besides batches of events.
CLOSE = "close"  # the process is shutting down: end the stream now
RESYNC = "resync"  # the bus was interrupted: catch up from the database


class Viewer(NamedTuple):
    """The user a stream belongs to; enough for the ownership filter (no ORM object kept)."""

    id: int
    is_admin: bool


def shutdown_socket(sock, how=socket.SHUT_RDWR) -> None:
    """Shut a client socket down so that a greenlet blocked writing to it fails at once.

    SHUT_RD alone lets the response finish and then ends the connection instead of keeping it
    alive for another request (the server is shutting down).
    """
    try:
        sock.shutdown(how)
    except OSError:
        pass


class Stream:
    """Base of the SSE and WebSocket streams: the hub offers it batches, it keeps what it wants."""

    kind = "stream"
    __slots__ = ("viewer", "queue", "sock", "dropped", "generation", "max_seen", "registered")

    def __init__(self, viewer: Viewer, size: int, sock=None):
        self.viewer = viewer
        self.queue = Queue(maxsize=size)
        self.sock = sock
        self.dropped = False
        self.generation = None  # the hub subscription it is in sync with (None: registering)
        self.max_seen = 0  # the highest event id delivered, to catch up from after a bus gap
        self.registered = False

    def select(self, batch, events):
        """Return what the stream wants of these events (all of one owner, or all for admins)."""
        raise NotImplementedError

    def offer(self, batch, events) -> None:
        """Queue what the stream wants of a batch; drop the stream when its queue is full."""
        if self.dropped:
            return
        wanted = self.select(batch, events)
        if wanted:
            self.put(wanted)

    def put(self, item) -> None:
        """Queue an item without ever waiting; a stream that cannot keep up is dropped."""
        try:
            self.queue.put_nowait(item)
        except Full:
            self.drop("it stopped reading")

    def drop(self, reason: str) -> None:
        """Stop serving the stream: shut its socket so that its greenlet ends."""
        if self.dropped:
            return
        self.dropped = True
        log.info("Dropping a %s stream of user %s: %s", self.kind, self.viewer.id, reason)
        if self.sock is not None:
            shutdown_socket(self.sock)
