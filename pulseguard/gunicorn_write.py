"""gunicorn sends a response's headers and its first body bytes in one `sendall`, not two.

gunicorn's `Response.write` sends the header block (`send_headers`), then the body bytes, each
with a `sendall` of its own: a small JSON answer (a push ping's, 20-60 bytes) costs two system
calls, two trips through gevent's socket and two TCP segments. Replacing `write` in each worker
(gunicorn.conf.py's post_worker_init) lets the first call collect what gunicorn would send into
a buffer and send it at once. gunicorn's own code still decides every byte (status line,
Connection, Content-Length, chunked framing, what HEAD and 204/304 omit), so responses are the
same bytes; later writes of a stream (SSE, a large body) go straight to the socket as before.
gunicorn is pinned exactly (requirements.txt): `tests/security/test_gunicorn_write.py` notices if a
response's headers and body stop arriving in one segment.
"""


class _Collect:
    """Stands in for the socket while gunicorn writes a response's first bytes."""

    def __init__(self):
        self.parts: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.parts.append(data)


def install() -> None:
    """Make this process's gunicorn send headers and first body bytes together (idempotent)."""
    from gunicorn.http import wsgi

    if getattr(wsgi.Response.write, "one_send", False):
        return
    write = wsgi.Response.write

    def write_once(self, data):
        if self.headers_sent:
            return write(self, data)
        sock, collect = self.sock, _Collect()
        self.sock = collect
        try:
            return write(self, data)
        finally:
            self.sock = sock
            if collect.parts:  # what gunicorn wrote before any error too, as it would have
                sock.sendall(b"".join(collect.parts))

    write_once.one_send = True  # type: ignore[attr-defined]
    wsgi.Response.write = write_once
