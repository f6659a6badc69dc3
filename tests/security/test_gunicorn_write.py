"""gunicorn sends a small response's headers and body in one TCP segment (gunicorn_write.py).

Counted on the client's socket by the kernel (TCP_INFO's tcpi_data_segs_in): before the change,
gunicorn's two sendalls (headers, then body; TCP_NODELAY is on) arrived as two segments.
"""

import json
import socket
import struct

import pytest

from tests.live.conftest import Gunicorn

DATA_SEGS_IN = 152  # offset of tcpi_data_segs_in in Linux's struct tcp_info (since 4.6)


@pytest.fixture(scope="module")
def served(app, database_url):
    gunicorn = Gunicorn(database_url, None, "pulseguard-test-gunicorn-write")
    yield gunicorn
    gunicorn.terminate()


def data_segments_in(sock) -> int:
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    if len(info) < DATA_SEGS_IN + 4:
        pytest.skip("SKIPPED: this kernel's tcp_info has no tcpi_data_segs_in")
    return struct.unpack_from("I", info, DATA_SEGS_IN)[0]


def answer(sock, request: bytes) -> tuple[str, dict, bytes]:
    """Send one request on a keep-alive connection; read its whole answer (Content-Length)."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines)}
    while len(body) < int(headers["content-length"]):
        body += sock.recv(65536)
    return status, headers, body


@pytest.mark.parametrize("path", ["/healthz", "/api/push/unknownToken0"])
def test_headers_and_body_arrive_in_one_segment(served, path):
    request = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        answer(sock, request)  # the connection's first answer: the worker is warm
        counts = []
        for _ in range(3):
            before = data_segments_in(sock)
            status, headers, body = answer(sock, request)
            counts.append(data_segments_in(sock) - before)
            assert headers["connection"] == "keep-alive"
            assert len(body) == int(headers["content-length"])
            json.loads(body)
    assert status.startswith("HTTP/1.1 200 " if path == "/healthz" else "HTTP/1.1 404 ")
    assert counts == [1, 1, 1]
