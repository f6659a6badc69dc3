"""gunicorn's own error answers (414, 431, 400 on a bad request line) in the API's JSON shape.

gunicorn refuses some requests before any application sees them (a request line over
`limit_request_line`, too many or too large headers, a malformed request line) and writes an
HTML page through `gunicorn.util.write_error`, which `Worker.handle_error` looks up at call
time. Replacing that one function in each worker (gunicorn.conf.py's post_worker_init) makes
those answers `{"code", "status", "message"}` like every other error. gunicorn is pinned
exactly (requirements.txt): `tests/ops/test_gunicorn_errors.py` notices if it stops calling it.
"""

import json
from http import HTTPStatus


def json_error(status_int: int, reason: str, message: str) -> bytes:
    """Return a whole HTTP/1.1 answer carrying the error in the API's shape."""
    try:
        phrase = HTTPStatus(status_int).phrase
    except ValueError:
        phrase = reason
    body = json.dumps({"code": status_int, "status": phrase, "message": message or reason})
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return (head + body).encode("latin-1", "replace")


def install() -> None:
    """Make this process's gunicorn write its own errors as JSON (idempotent)."""
    from gunicorn import util

    def write_error(sock, status_int, reason, mesg):
        util.write_nonblock(sock, json_error(status_int, reason, mesg))

    util.write_error = write_error
