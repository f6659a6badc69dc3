"""The TCP probe: a listening port is up, a closed one is refused."""

from pulseguard.checks.probe import probe
from pulseguard.checks.target import Target
from tests.targets import refused_port


def tcp(port, **kw):
    return Target(id=1, protocol="tcp", host="127.0.0.1", port=port, **kw)


def test_open_port_succeeds(web):
    outcome = probe(tcp(web.port))
    assert (outcome.status, outcome.message, outcome.status_code) == ("success", "OK", None)
    assert outcome.response_time_ms >= 0


def test_closed_port_is_refused():
    outcome = probe(tcp(refused_port()))
    assert (outcome.status, outcome.message) == ("error", "Connection refused")
