"""The certificate of an HTTPS check is read off its own handshake, verified or not."""

from datetime import UTC, datetime, timedelta

import pytest

from pulseguard.checks.certificate import hostname_matches
from pulseguard.checks.context import ProbeContext
from pulseguard.checks.http import HttpProber
from pulseguard.checks.probe import probe
from pulseguard.kinds import draft_target
from tests.targets import LocalServer


def https(port, **kw):
    return draft_target("https", id=1, host="127.0.0.1", port=port, **kw)


@pytest.fixture
def five_days(certs):
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5, hours=1)
    cert = certs.ca.issue_cert("127.0.0.1", "localhost", not_after=until)
    server = LocalServer(certs.server_context(cert))
    yield server, until
    server.stop()


def test_a_verified_check_carries_the_certificate(five_days, certs):
    server, until = five_days
    outcome = probe(https(server.port), ProbeContext(HttpProber(cafile=certs.ca_file)))
    assert outcome.ok, outcome.message
    cert = outcome.cert
    assert cert["not_after"] == until.isoformat()
    assert outcome.tls_expires_at == until
    assert cert["sans"] == ["localhost", "127.0.0.1"]
    assert "pulseguard" not in cert["issuer"].lower() and cert["issuer"] != cert["subject"]
    assert len(cert["fingerprint_sha256"]) == 64
    assert cert["chain_valid"] is True and cert["hostname_valid"] is True


def test_with_verify_tls_off_the_certificate_is_still_read(five_days):
    server, until = five_days
    outcome = probe(https(server.port, verify_tls=False), ProbeContext(HttpProber()))
    assert outcome.ok, outcome.message
    assert outcome.cert["not_after"] == until.isoformat()
    assert outcome.tls_expires_at == until
    assert outcome.cert["chain_valid"] is None  # not verified: only the leaf is seen
    assert outcome.cert["hostname_valid"] is True


def test_with_verify_tls_off_a_certificate_for_another_name_is_flagged(certs):
    server = LocalServer(certs.server_context(certs.ca.issue_cert("other.example")))
    try:
        outcome = probe(https(server.port, verify_tls=False), ProbeContext(HttpProber()))
    finally:
        server.stop()
    assert outcome.ok
    assert outcome.cert["sans"] == ["other.example"]
    assert outcome.cert["hostname_valid"] is False


def test_a_failed_handshake_carries_the_certificate_of_a_separate_one(expired_web, certs):
    outcome = probe(https(expired_web.port), ProbeContext(HttpProber(cafile=certs.ca_file)))
    assert (
        outcome.status == "error" and outcome.cert["chain_valid"] is False
    )  # see test_cert_fallback


def test_plain_http_carries_no_certificate(web):
    outcome = probe(draft_target("http", id=1, host="127.0.0.1", port=web.port), ProbeContext())
    assert outcome.ok and outcome.cert is None


@pytest.mark.parametrize(
    ("host", "sans", "expected"),
    [
        ("www.example.com", ["*.example.com"], True),
        ("a.b.example.com", ["*.example.com"], False),
        ("example.com", ["*.example.com"], False),
        ("WWW.Example.COM.", ["www.example.com"], True),
        ("::1", ["0:0:0:0:0:0:0:1"], True),
        ("127.0.0.1", ["127.0.0.2", "localhost"], False),
    ],
)
def test_host_names_are_matched_like_rfc_6125(host, sans, expected):
    assert hostname_matches(host, sans) is expected


def test_the_certificate_is_kept_when_the_answer_closes_the_connection(certs):
    # HTTP/1.0 (http.server's default): http.client drops the socket once the answer is read.
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.socket = certs.server_context(certs.valid).wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        target = https(server.server_address[1])
        outcome = probe(target, ProbeContext(HttpProber(cafile=certs.ca_file)))
    finally:
        server.shutdown()
    assert outcome.ok, outcome.message
    assert outcome.cert is not None and outcome.tls_expires_at == certs.valid_until
