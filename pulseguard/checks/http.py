"""The HTTP(S) probe, on urllib3 connection pools shared by every check of the process.

urllib3 (the engine under requests) is used directly: it costs less CPU per check than
requests, keeps no cookies between checks, and lets the probe read the certificate off the
live socket (checks/pools.py).
"""

import ipaddress
import ssl
import time
import warnings
from dataclasses import dataclass, field, replace

import urllib3
from urllib3.exceptions import (
    HTTPError,
    InsecureRequestWarning,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.exceptions import (
    TimeoutError as Urllib3Timeout,
)

from pulseguard.checks.assertions import Answer, evaluate, first_failure, keyword_problem
from pulseguard.checks.certificate import describe, expires_at, peer_der
from pulseguard.checks.expected import status_expected
from pulseguard.checks.guard import BlockedConnectionError, Guard, guard_pools
from pulseguard.checks.outcome import ERROR, FAILURE, SUCCESS, Outcome, timed_out
from pulseguard.checks.pools import ProbePoolManager
from pulseguard.checks.target import Target
from pulseguard.checks.tls import insecure_context, verifying_context

MAX_BODY = 1024 * 1024  # bytes read looking for a keyword
MAX_REDIRECTS = 10
CERT_FALLBACK_EVERY_S = 6 * 3600.0  # a separate handshake per host:port, at most (API-NEXT §1.6)
NAME_MISMATCH = (62, 64)  # OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH, _IP_ADDRESS_MISMATCH
USER_AGENT = "PulseGuard/1.0 (health check)"

warnings.filterwarnings("ignore", category=InsecureRequestWarning)


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """The settings only HTTP(S) checks have (`Target.options` of the http and https kinds)."""

    path: str = "/"
    method: str = "GET"
    expected_status: str = "200-399"
    keyword: str | None = None
    headers: dict = field(default_factory=dict)
    verify_tls: bool = True
    follow_redirects: bool = True
    keyword_mode: str = "contains"  # or "regex"
    keyword_invert: bool = False
    keyword_case_sensitive: bool = True
    assertions: tuple = ()  # compiled assertions (checks/assertions.py)


def url_of(scheme: str, host: str, port: int | None, path: str, default_port=None) -> str:
    """Return the URL of an HTTP(S) target; the port is left out when it is default_port."""
    host = f"[{host}]" if ":" in host else host
    port_part = f":{port}" if port and port != default_port else ""
    path = path if path.startswith("/") else "/" + path
    return f"{scheme}://{host}{port_part}{path}"


class HttpProber:
    """Runs HTTP(S) checks; one instance per process shares its pools and TLS contexts."""

    def __init__(
        self,
        cafile: str | None = None,
        pool_size: int = 100,
        num_pools: int = 1000,
        guard: Guard | None = None,
    ):
        common: dict = {"num_pools": num_pools, "maxsize": pool_size, "retries": False}
        guard = guard or Guard()
        verified = ProbePoolManager(ssl_context=verifying_context(cafile), **common)
        self.verified = guard_pools(verified, guard)
        insecure = ProbePoolManager(
            ssl_context=insecure_context(), cert_reqs="CERT_NONE", assert_hostname=False, **common
        )
        self.insecure = guard_pools(insecure, guard)
        self.guard = guard
        self.fallback_at: dict[tuple[str, int], float] = {}  # host:port -> last separate handshake

    def probe(self, target: Target) -> Outcome:
        """Check one HTTP(S) target; never raises for network problems."""
        options: HttpOptions = target.options
        manager = self.verified if options.verify_tls else self.insecure
        headers = {"User-Agent": USER_AGENT} | {str(k): str(v) for k, v in options.headers.items()}
        redirects = MAX_REDIRECTS if options.follow_redirects else 0
        retries = urllib3.Retry(
            total=None, connect=0, read=0, status=0, other=0, redirect=redirects,
            raise_on_redirect=False,
        )  # fmt: skip
        started = time.perf_counter()
        try:
            response = manager.request(
                options.method,
                url_of(target.protocol, target.host, target.port, options.path),
                headers=headers,
                timeout=urllib3.Timeout(connect=target.timeout_s, read=target.timeout_s),
                retries=retries,
                redirect=options.follow_redirects,
                preload_content=False,
            )
        except (MaxRetryError, HTTPError, OSError) as exc:
            outcome = failed(exc, target)
            if target.protocol != "https" or not tls_refused(exc):
                return outcome
            chain, name = verdict_of(exc) if options.verify_tls else (None, None)
            cert = self.fallback_cert(target, started, chain, name)
            return replace(outcome, cert=cert) if cert else outcome
        try:
            cert = None
            if target.protocol == "https":  # read with verify_tls off too (API-NEXT §1.6)
                der = getattr(response.connection, "peer_der", None)
                cert = describe(der, target.host, options.verify_tls)
                if cert is None:  # e.g. redirected to plain http: this host's own certificate
                    verified = True if options.verify_tls else None
                    cert = self.fallback_cert(target, started, verified, None)
            body = b"" if options.method == "HEAD" else response.read(MAX_BODY + 1)
            elapsed_ms = (time.perf_counter() - started) * 1000.0
        except (HTTPError, OSError) as exc:
            response.close()
            return failed(exc, target)
        if len(body) > MAX_BODY:
            response.close()  # not worth draining: do not reuse this connection
        else:
            response.release_conn()
        outcome = judge(
            options, response.status, body, round(elapsed_ms, 2), expires_at(cert), response.headers
        )
        return replace(outcome, cert=cert) if cert else outcome

    def fallback_cert(self, target: Target, started: float, chain, hostname) -> dict | None:
        """The target's certificate from a separate, unverified handshake, when the check's own
        gave none (a refused certificate, say): at most every 6 h per host:port in this process.
        chain/hostname: what the check's own handshake proved of them (None: not known)."""
        key, now = (target.host, int(target.port or 443)), time.monotonic()
        last = self.fallback_at.get(key)
        left = target.timeout_s - (time.perf_counter() - started) - 0.2
        if (last is not None and now - last < CERT_FALLBACK_EVERY_S) or left <= 0:
            return None
        if len(self.fallback_at) > 10_000:  # forget handshakes old enough to be due again
            self.fallback_at = {
                k: t for k, t in self.fallback_at.items() if now - t < CERT_FALLBACK_EVERY_S
            }
        self.fallback_at[key] = now
        der = self.certificate_handshake(key[0], key[1], left)
        cert = describe(der, target.host, False)
        if cert is None:
            return None
        hostname = cert["hostname_valid"] if hostname is None else hostname
        return cert | {"chain_valid": chain, "hostname_valid": hostname}

    def certificate_handshake(self, host: str, port: int, timeout: float) -> bytes | None:
        """Connect through the guard and read the peer's DER certificate, verifying nothing."""
        try:
            sock = self.guard.connect(host, port, timeout)
        except (OSError, ValueError):
            return None
        try:
            name = None if _is_ip(host) else host
            with insecure_context().wrap_socket(sock, server_hostname=name) as tls:
                return peer_der(tls)
        except (OSError, ssl.SSLError, ValueError):
            return None
        finally:
            sock.close()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _reason(exc: BaseException) -> BaseException:
    reason = exc.reason if isinstance(exc, MaxRetryError) and exc.reason else exc
    if isinstance(reason, SSLError) and reason.args and isinstance(reason.args[0], BaseException):
        return reason.args[0]
    return reason


def tls_refused(exc: BaseException) -> bool:
    """True when the check failed in its TLS handshake (the server speaks TLS)."""
    return isinstance(_reason(exc), (SSLError, ssl.SSLError))


def verdict_of(exc: BaseException) -> tuple[bool | None, bool | None]:
    """(chain_valid, hostname_valid) as a refused verifying handshake tells them."""
    reason = _reason(exc)
    if not isinstance(reason, ssl.SSLCertVerificationError):
        return None, None
    if reason.verify_code in NAME_MISMATCH:
        return None, False
    return False, None


def judge(
    options: HttpOptions, code: int, body: bytes, elapsed_ms: float, expires, headers=None
) -> Outcome:
    """Turn an HTTP answer into an Outcome: expected status, keyword, then every assertion."""
    problem = None if status_expected(code, options.expected_status) else f"HTTP {code}"
    if problem is None and options.keyword:
        problem = keyword_problem(
            options.keyword, body, options.keyword_mode, options.keyword_invert,
            options.keyword_case_sensitive,
        )  # fmt: skip
    verdicts = None
    if options.assertions:  # evaluated even after a failure: each result keeps every verdict
        verdicts = evaluate(options.assertions, Answer(headers or {}, body, elapsed_ms, expires))
        problem = problem or first_failure(verdicts)
    if problem:
        return Outcome(FAILURE, elapsed_ms, code, problem, expires, assertions=verdicts)
    return Outcome(SUCCESS, elapsed_ms, code, "OK", expires, assertions=verdicts)


def failed(exc: BaseException, target: Target) -> Outcome:
    """Turn a network exception into an Outcome with a short message."""
    reason = exc.reason if isinstance(exc, MaxRetryError) and exc.reason else exc
    if isinstance(reason, ProtocolError) and reason.args[1:]:
        reason = reason.args[1] if isinstance(reason.args[1], BaseException) else reason
    # NewConnectionError subclasses urllib3's TimeoutError (history); it is a connection error.
    timeouts = (ReadTimeoutError, Urllib3Timeout, TimeoutError)
    if isinstance(reason, timeouts) and not isinstance(reason, NewConnectionError):
        return timed_out(target.timeout_s)
    return Outcome(ERROR, None, None, network_message(reason))


def network_message(exc: BaseException) -> str:
    """A short human text for a connection-level error."""
    if isinstance(exc, BlockedConnectionError):
        return exc.blocked
    text = str(exc)
    if isinstance(exc, NameResolutionError) or "Name or service not known" in text:
        return "DNS lookup failed"
    if isinstance(exc, SSLError) or isinstance(exc, ssl.SSLError):
        inner = exc.args[0] if exc.args else exc
        detail = getattr(inner, "verify_message", None) or getattr(inner, "reason", None)
        return f"TLS error: {detail or str(inner)[:200]}"
    if isinstance(exc, ConnectionRefusedError) or "Connection refused" in text:
        return "Connection refused"
    if isinstance(exc, ConnectionResetError) or "reset by peer" in text:
        return "Connection reset"
    if isinstance(exc, NewConnectionError):
        return f"Connection failed: {text.split(':', 1)[-1].strip()[:200]}"
    if "RemoteDisconnected" in text or "closed connection" in text:
        return "Connection closed without a response"
    return f"{type(exc).__name__}: {text[:200]}"
