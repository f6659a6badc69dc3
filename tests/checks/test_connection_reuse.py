"""Kept-alive connections between checks: reused while open, never reused once the server closed
them (checks/pools.py asks the kernel, not gevent's poll, before each reuse)."""

import gevent
import pytest
from gevent.server import StreamServer

from pulseguard.checks.context import ProbeContext
from pulseguard.checks.http import HttpProber
from pulseguard.checks.probe import probe
from pulseguard.kinds import draft_target

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


class RawServer:
    """Answers each request 200 on HTTP/1.1 and counts the connections it accepted; with
    close_after_answer it closes each connection after its answer without saying so first."""

    def __init__(self, close_after_answer: bool):
        self.close_after_answer, self.connections, self.requests = close_after_answer, 0, 0
        self.server = StreamServer(("127.0.0.1", 0), self.handle)
        self.server.start()
        self.port = self.server.server_port

    def handle(self, sock, _address):
        self.connections += 1
        buffer = b""
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            _head, buffer = buffer.split(b"\r\n\r\n", 1)
            self.requests += 1
            sock.sendall(ANSWER)
            if self.close_after_answer:
                sock.close()
                return


@pytest.fixture
def raw_server(request):
    server = RawServer(close_after_answer=request.param)
    yield server
    server.server.stop(timeout=1)


def http(port):
    return draft_target("http", id=1, host="127.0.0.1", port=port, path="/")


@pytest.mark.parametrize("raw_server", [False], indirect=True)
def test_an_open_connection_serves_the_next_checks(raw_server):
    context = ProbeContext(HttpProber())
    outcomes = [probe(http(raw_server.port), context) for _ in range(3)]
    assert [o.message for o in outcomes] == ["OK", "OK", "OK"]
    assert raw_server.connections == 1


@pytest.mark.parametrize("raw_server", [True], indirect=True)
def test_a_connection_the_server_closed_is_not_reused(raw_server):
    context = ProbeContext(HttpProber())
    first = probe(http(raw_server.port), context)
    gevent.sleep(0.2)  # the server's FIN has arrived: the pooled connection is readable (EOF)
    second = probe(http(raw_server.port), context)
    assert (first.message, second.message) == ("OK", "OK")
    assert raw_server.connections == 2


def test_checks_of_two_ports_on_one_host_each_reach_their_own_server():
    servers = [RawServer(close_after_answer=False) for _ in range(2)]
    try:
        context = ProbeContext(HttpProber())
        for _ in range(2):
            for server in servers:
                assert probe(http(server.port), context).ok
        assert [(s.connections, s.requests) for s in servers] == [(1, 2), (1, 2)]
    finally:
        for server in servers:
            server.server.stop(timeout=1)
