"""The peer certificate of an HTTPS check, read off the check's own TLS socket.

`cryptography.x509` lives behind this module. Quirks handled here (API-NEXT §1.6, §8):
- `getpeercert()` returns `{}` when the socket did not verify (`verify_tls: false`), but
  `getpeercert(binary_form=True)` still returns the DER leaf, so the leaf is always parsed from DER;
- Python 3.11's ssl module gives the leaf only (no chain), so `chain_valid` is what the handshake
  proved: true when it verified, null (not checked) when verification was off;
- `hostname_valid` is what the handshake proved when verifying, else the host is matched against
  the SANs here (RFC 6125: a wildcard covers exactly one leftmost label; IPs match IP SANs).
"""

import hashlib
import ipaddress
import ssl
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.x509.oid import ExtensionOID

CERT_FIELDS = (
    "subject",
    "issuer",
    "sans",
    "not_before",
    "not_after",
    "fingerprint_sha256",
    "chain_valid",
    "hostname_valid",
    "checked_at",
)


def peer_der(sock) -> bytes | None:
    """Return the DER leaf certificate of a TLS socket's peer, or None."""
    getpeercert = getattr(sock, "getpeercert", None)
    if getpeercert is None:
        return None
    try:
        return getpeercert(binary_form=True) or None
    except (ValueError, ssl.SSLError, OSError):
        return None


def describe(der: bytes | None, host: str, verified: bool) -> dict | None:
    """Describe a DER certificate: subject, issuer, SANs, validity, fingerprint, validity checks."""
    if not der:
        return None
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    sans = subject_alt_names(cert)
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "sans": sans,
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "fingerprint_sha256": hashlib.sha256(der).hexdigest(),
        "chain_valid": True if verified else None,
        "hostname_valid": True if verified else hostname_matches(host, sans),
    }


def subject_alt_names(cert: x509.Certificate) -> list[str]:
    """The DNS names and IP addresses the certificate is for."""
    try:
        extension = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    except x509.ExtensionNotFound:
        return []
    value: x509.SubjectAlternativeName = extension.value  # type: ignore[assignment]
    names = value.get_values_for_type(x509.DNSName)
    addresses = value.get_values_for_type(x509.IPAddress)
    return [*names, *(str(ip) for ip in addresses)]


def hostname_matches(host: str, sans: list[str]) -> bool:
    """True when host is one of the SANs (a leftmost `*` label matches one label)."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    for name in sans:
        if ip is not None:
            try:
                if ipaddress.ip_address(name) == ip:
                    return True
            except ValueError:
                continue
            continue
        name = name.rstrip(".").lower()
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def expires_at(cert: dict | None) -> datetime | None:
    """When a described certificate expires."""
    if not cert:
        return None
    return datetime.fromisoformat(cert["not_after"]).astimezone(UTC)


def days_left(not_after: datetime, now: datetime) -> int:
    """Whole days from now until not_after (negative once expired)."""
    return (not_after - now) // timedelta(days=1)


def cert_json(cert: dict | None, now: datetime | None = None) -> dict | None:
    """A certificate as the API shows it (ServerStatus.cert, a trace's `tls` step), with its
    days remaining now."""
    if not cert:
        return None
    out = {name: cert.get(name) for name in CERT_FIELDS}
    out["days_remaining"] = days_left(
        datetime.fromisoformat(cert["not_after"]), now or datetime.now(UTC)
    )
    return out
