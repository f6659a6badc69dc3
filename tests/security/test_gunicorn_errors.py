"""gunicorn's own refusals (414, 431, a malformed request line) answer JSON in the API's shape."""

import json
import socket

import pytest

from tests.live.conftest import Gunicorn


@pytest.fixture(scope="module")
def served(app, database_url):
    gunicorn = Gunicorn(database_url, None, "pulseguard-test-gunicorn-errors")
    yield gunicorn
    gunicorn.terminate()


def raw_answer(port, request: bytes):
    """Send bytes as they are; return (status line, headers text, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, _, headers = head.decode("latin-1").partition("\r\n")
    return status, headers.lower(), body


@pytest.mark.parametrize(
    "request_bytes, code",
    [
        (b"GET /api/servers/?a=" + b"b" * 6000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /api/servers/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"x" * 9000 + b"\r\n\r\n", 431),
        (
            b"GET /api/ HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-H%d: 1\r\n" % n for n in range(120))
            + b"\r\n",
            431,
        ),
        (b"GET /api/ HTTP/9.9\r\nHost: x\r\n\r\n", 400),
    ],
)
def test_gunicorns_own_refusals_are_json(served, request_bytes, code):
    status, headers, body = raw_answer(served.port, request_bytes)
    assert status.startswith(f"HTTP/1.1 {code} ")
    assert "content-type: application/json" in headers
    answer = json.loads(body)
    assert answer["code"] == code and answer["message"] and "<html" not in body.decode()
