"""Every raw byte and every private attribute the live streams depend on, in one module.

Why this exists: a web process fans each batch of events out to thousands of open streams. Going
through the libraries' own paths (the WSGI response iterator for SSE, `ws.send()` for WebSocket)
costs a greenlet switch and an encoding per client; measured with 1,000 clients per process, p99
delivery was 277 ms that way and 67 ms when the hub writes the already-framed bytes straight to
idle sockets (`bench/live`). So the hub writes bytes itself, and that needs:

- the HTTP/1.1 chunk framing gunicorn uses for a body of unknown length (`http_chunk`), and the
  client socket gunicorn puts in the WSGI environ (`client_socket`);
- WebSocket text frames as a server sends them (`ws_text_frame`, RFC 6455), checked byte for byte
  against wsproto in `tests/live/test_wire.py`;
- simple-websocket's internals: its socket (`ws.sock`, wrapped so frames stay whole), the
  messages its reader greenlet buffered (`ws.input_buffer`), and the event that reader sets
  (`ws.event`), which the client's greenlet sleeps on (`Connection`).

The versions these were read from are pinned in requirements.txt (gunicorn, simple-websocket,
wsproto); the tests above fail if an upgrade changes them. The readable reference is the queued
path (`LIVE_DIRECT_WRITES=false`, and every stream while it is busy): a stream's greenlet yields
SSE text through the response, or sends frames with the same lock, in order.
"""

import socket
import struct

from gevent.lock import Semaphore


def http_chunk(data: bytes) -> bytes:
    """Return data as one chunk of a chunked HTTP/1.1 body, framed exactly as gunicorn does."""
    return b"%X\r\n%s\r\n" % (len(data), data)


def ws_text_frame(text: str) -> bytes:
    """Return one unmasked, unfragmented WebSocket text frame (RFC 6455 5.2) as a server sends it.

    No extension bits: a client that negotiated permessage-deflate still reads it, since
    RFC 7692 lets either side send any message uncompressed (RSV1 clear).
    """
    payload = text.encode()
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, size)
    else:
        head = struct.pack("!BBQ", 0x81, 127, size)
    return head + payload


def client_socket(environ):
    """Return the client's socket gunicorn puts in the WSGI environ (None elsewhere)."""
    return environ.get("gunicorn.socket")


def direct_socket(sock):
    """Return the socket when the hub may write to it without waiting, else None.

    A gevent socket is non-blocking underneath: send(..., timeout=0.0) takes what fits and never
    switches greenlets, and once closed it fails instead of writing to a reused descriptor. TLS
    sockets are excluded: their records cannot be written partially and resumed elsewhere.
    """
    import gevent.socket
    from gevent.ssl import SSLSocket

    if isinstance(sock, gevent.socket.socket) and not isinstance(sock, SSLSocket):
        return sock
    return None


def send_now(sock, data: bytes) -> int:
    """Write what the socket takes at once, never waiting; return how many bytes it took."""
    try:
        return sock.send(data, 0, 0.0)
    except BlockingIOError:
        return 0


def shutdown_socket(sock, how=socket.SHUT_RDWR) -> None:
    """Shut a client socket down so that a greenlet blocked writing to it fails at once.

    SHUT_RD alone lets the response finish and then ends the connection instead of keeping it
    alive for another request (the server is shutting down).
    """
    try:
        sock.shutdown(how)
    except OSError:
        pass


class SendAll:
    """A socket whose send() sends every byte, one frame at a time.

    simple-websocket writes frames with send(), which may send part of one, and its reader
    greenlet writes pings and pongs beside ours: the lock keeps frames whole. What the hub could
    not write at once is owed, and goes out before anything else.
    """

    __slots__ = ("_sock", "_lock", "owed")

    def __init__(self, sock):
        self._sock = sock
        self._lock = Semaphore()
        self.owed = b""

    def send(self, data, flags=0):
        with self._lock:
            if self.owed:
                owed, self.owed = self.owed, b""
                self._sock.sendall(owed)
            self._sock.sendall(data, flags)
        return len(data)

    def busy(self) -> bool:
        """Tell whether a greenlet is midway through sending a frame, or bytes are owed."""
        return bool(self.owed) or self._lock.locked()

    def __getattr__(self, name):
        return getattr(self._sock, name)


class Connection:
    """What the WebSocket stream needs of a simple-websocket `Server`, beyond its public API."""

    __slots__ = ("ws", "raw", "sock")

    def __init__(self, ws):
        self.ws = ws
        self.raw = ws.sock  # the client's gevent socket, for the hub's direct writes
        self.sock = ws.sock = SendAll(self.raw)  # simple-websocket's own writes go through it

    def wake(self) -> None:
        """Wake the client's greenlet (as the reader does when a message comes)."""
        self.ws.event.set()

    def sleep(self, timeout) -> None:
        """Sleep until a message comes, the client leaves, wake() is called, or timeout."""
        self.ws.event.wait(timeout)
        self.ws.event.clear()

    def messages(self):
        """Yield the text messages the reader buffered, oldest first, removing each."""
        while self.ws.input_buffer:
            yield self.ws.input_buffer.pop(0)

    def writable(self) -> bool:
        """Tell whether the hub may write now: not after a close frame, nor mid-frame."""
        return self.ws.connected and not self.sock.busy()

    def owe(self, rest: bytes) -> None:
        """Have the next send() write rest first (what the hub could not write at once)."""
        self.sock.owed = rest

    def owes(self) -> bool:
        return bool(self.sock.owed)

    def send_frames(self, data: bytes) -> None:
        """Send already-framed bytes (owed ones first), whole."""
        self.sock.send(data)
