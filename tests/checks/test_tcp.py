"""The TCP probe: a listening port is up; a closed one is refused; silence times out."""

import socket

from pulseguard.checks.probe import probe
from pulseguard.kinds import draft_target
from tests.targets import refused_port


def tcp(port, **kw):
    return draft_target("tcp", id=1, **({"host": "127.0.0.1", "port": port} | kw))


def test_open_port_succeeds(web):
    outcome = probe(tcp(web.port))
    assert (outcome.status, outcome.message, outcome.status_code) == ("success", "OK", None)
    assert outcome.response_time_ms >= 0


def test_closed_port_is_refused():
    outcome = probe(tcp(refused_port()))
    assert (outcome.status, outcome.message) == ("error", "Connection refused")


def test_unanswered_connect_times_out():
    # A listener whose accept queue is full drops new SYNs: the connect hangs until the timeout.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        queued = [socket.socket() for _ in range(3)]
        for sock in queued:
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", port))
        try:
            outcome = probe(tcp(port, timeout_s=0.3))
        finally:
            for sock in queued:
                sock.close()
    assert (outcome.status, outcome.message) == ("timeout", "Timed out after 0.3s")
    assert outcome.response_time_ms is None


def test_unknown_host_is_an_error_naming_the_lookup():
    outcome = probe(tcp(80, host="no-such-host.invalid"))
    assert (outcome.status, outcome.message) == ("error", "DNS lookup failed")
