"""A certificate the check's own handshake refused is read by a separate one, at most every 6 h
per host:port (API-NEXT §1.6), against real TLS servers of a trustme CA."""

import hashlib
import ssl

from pulseguard.checks.context import ProbeContext
from pulseguard.checks.http import HttpProber
from pulseguard.checks.probe import probe
from pulseguard.kinds import draft_target
from tests.targets import Certificates, LocalServer


def https(port, **kw):
    return draft_target("https", id=1, host="127.0.0.1", port=port, **kw)


def fingerprint(cert) -> str:
    return hashlib.sha256(
        ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())
    ).hexdigest()


def test_an_expired_certificate_is_still_read_and_its_chain_is_said_invalid(expired_web, certs):
    prober = HttpProber(cafile=certs.ca_file)
    outcome = probe(https(expired_web.port), ProbeContext(prober))
    assert outcome.status == "error" and "expired" in outcome.message
    assert outcome.cert["fingerprint_sha256"] == fingerprint(certs.expired)
    assert outcome.cert["chain_valid"] is False and outcome.cert["hostname_valid"] is True
    assert outcome.tls_expires_at is None or outcome.tls_expires_at < certs.valid_until
    again = probe(https(expired_web.port), ProbeContext(prober))  # within 6 h: no handshake
    assert again.status == "error" and again.cert is None


def test_the_handshake_is_due_again_after_6_hours(expired_web, certs):
    prober = HttpProber(cafile=certs.ca_file)
    assert probe(https(expired_web.port), ProbeContext(prober)).cert is not None
    key = ("127.0.0.1", expired_web.port)
    prober.fallback_at[key] -= 6 * 3600 + 1  # as if read 6 h ago
    assert probe(https(expired_web.port), ProbeContext(prober)).cert is not None


def test_an_untrusted_certificate_is_read_with_verification_off_too(tmp_path):
    other = Certificates(tmp_path)
    server = LocalServer(other.server_context(other.valid))
    try:
        refused = probe(https(server.port), ProbeContext(HttpProber()))
        unverified = probe(https(server.port, verify_tls=False), ProbeContext(HttpProber()))
    finally:
        server.stop()
    assert refused.status == "error" and refused.cert["chain_valid"] is False
    assert unverified.ok and unverified.cert["chain_valid"] is None  # its own handshake
    assert refused.cert["fingerprint_sha256"] == unverified.cert["fingerprint_sha256"]


def test_a_name_mismatch_says_so_on_the_certificate(tmp_path):
    other = Certificates(tmp_path)
    wrong = other.ca.issue_cert("elsewhere.example")
    server = LocalServer(other.server_context(wrong))
    try:
        outcome = probe(https(server.port), ProbeContext(HttpProber(cafile=other.ca_file)))
    finally:
        server.stop()
    assert outcome.status == "error"
    assert outcome.cert["sans"] == ["elsewhere.example"]
    assert outcome.cert["hostname_valid"] is False and outcome.cert["chain_valid"] is None


def test_a_refused_connection_makes_no_second_attempt(certs):
    from tests.targets import refused_port

    outcome = probe(https(refused_port()), ProbeContext(HttpProber(cafile=certs.ca_file)))
    assert outcome.status == "error" and outcome.cert is None
