"""HTTPS checks share one TLS context yet still reject untrusted and expired certificates."""

from pulseguard.checks.context import ProbeContext
from pulseguard.checks.http import HttpProber
from pulseguard.checks.probe import probe
from pulseguard.checks.tls import verifying_context
from pulseguard.kinds import draft_target


def https(port, **kw):
    return draft_target("https", id=1, host="127.0.0.1", port=port, **kw)


def test_trusted_certificate_passes_and_its_expiry_is_recorded(tls_web, certs):
    outcome = probe(https(tls_web.port), ProbeContext(HttpProber(cafile=certs.ca_file)))
    assert outcome.ok, outcome.message
    assert outcome.tls_expires_at == certs.valid_until


def test_untrusted_certificate_is_rejected():
    # A server whose CA is not in the prober's bundle (the default: certifi).
    import tempfile
    from pathlib import Path

    from tests.targets import Certificates, LocalServer

    other = Certificates(Path(tempfile.mkdtemp()))
    server = LocalServer(other.server_context(other.valid))
    try:
        outcome = probe(https(server.port), ProbeContext(HttpProber()))
    finally:
        server.stop()
    assert outcome.status == "error"
    assert outcome.message.startswith("TLS error:")
    assert "certificate" in outcome.message


def test_expired_certificate_is_rejected(expired_web, certs):
    outcome = probe(https(expired_web.port), ProbeContext(HttpProber(cafile=certs.ca_file)))
    assert outcome.status == "error"
    assert "expired" in outcome.message


def test_verify_off_accepts_untrusted_certificate(tls_web, certs):
    outcome = probe(https(tls_web.port, verify_tls=False), ProbeContext(HttpProber()))
    assert outcome.ok and outcome.status_code == 200
    assert outcome.tls_expires_at == certs.valid_until  # read off the handshake all the same


def test_the_tls_context_is_shared():
    assert HttpProber().verified.connection_pool_kw["ssl_context"] is verifying_context(None)
    assert verifying_context(None) is verifying_context(None)
