"""One traced check (API-NEXT §1.7): the real probe, with each step it took timed and kept.

The check runs on a ProbeContext of its own, so that nothing is reused (every step really
happens) and every step is seen: a guard that records its lookups (`dns`), and for HTTP(S) a
one-off pool whose connections record the TCP connect (`connect`) and the handshake (`tls`).
The probe, the guard's policy and the judgement are the ones scheduled checks use; then the
answer (`http`) and each assertion's verdict (`assertion`) are added from the Outcome.
"""

import socket
import time
from datetime import UTC, datetime

from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from pulseguard.checks.certificate import cert_json, describe
from pulseguard.checks.context import ProbeContext
from pulseguard.checks.guard import Guard, GuardedConnection, TargetBlockedError
from pulseguard.checks.http import HttpProber
from pulseguard.checks.outcome import Outcome
from pulseguard.checks.pools import CertKeepingHTTPSConnection, ProbeHTTPConnection
from pulseguard.checks.probe import probe
from pulseguard.checks.target import Target


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 2)


class Trace:
    """The steps of one check, in the order they happened."""

    def __init__(self):
        self.steps: list[dict] = []
        self.dns_ms = 0.0  # time spent in lookups so far (a connect's time excludes it)

    def add(self, step: str, **fields) -> None:
        self.steps.append({"step": step} | {k: v for k, v in fields.items() if v is not None})


class TracingGuard(Guard):
    """The process's guard policy, recording each lookup as a `dns` step."""

    def __init__(self, guard: Guard, trace: Trace):
        super().__init__(guard.deny, guard.allow)
        self.trace = trace

    def addresses(self, host: str, port: int | None) -> list[str]:
        started = time.perf_counter()
        try:
            found = super().addresses(host, port)
        except TargetBlockedError as blocked:
            self._record(started, host, error=str(blocked))
            raise
        except socket.gaierror:
            self._record(started, host, error="DNS lookup failed")
            raise
        self._record(started, host, detail=", ".join(found))
        return found

    def connect(self, host: str, port: int, timeout: float) -> socket.socket:
        """Guard.connect, with each attempt recorded as a `connect` step."""
        error: OSError | None = None
        for address in self.addresses(host, port):
            started = time.perf_counter()
            try:
                sock = socket.create_connection((address, port), timeout=timeout)
            except OSError as exc:
                self.trace.add("connect", ms=_ms(started), error=connect_error(exc))
                error = exc
                continue
            self.trace.add("connect", ms=_ms(started), detail=f"{address} port {port}")
            return sock
        raise error or OSError(f"Could not connect to {host}")

    def _record(self, started: float, host: str, **fields) -> None:
        ms = _ms(started)
        self.trace.dns_ms += ms
        self.trace.add("dns", ms=ms, host=host, **fields)


class TracedConnection:
    """A urllib3 connection recording its TCP connect and TLS handshake."""

    trace: Trace
    _connected_at: float | None = None

    def _new_conn(self):
        started, dns_before = time.perf_counter(), self.trace.dns_ms
        try:
            sock = super()._new_conn()  # type: ignore[misc]
        except Exception as exc:
            last = self.trace.steps[-1] if self.trace.steps else {}
            if not (last.get("step") == "dns" and "error" in last):  # no address: no connect
                ms = round(_ms(started) - (self.trace.dns_ms - dns_before), 2)
                self.trace.add("connect", ms=ms, error=connect_error(exc))
            raise
        ms = round(_ms(started) - (self.trace.dns_ms - dns_before), 2)
        peer = sock.getpeername()
        self.trace.add("connect", ms=ms, detail=f"{peer[0]} port {peer[1]}")
        self._connected_at = time.perf_counter()
        return sock

    def connect(self):
        self._connected_at = None
        try:
            super().connect()  # type: ignore[misc]
        except Exception as exc:
            if self._connected_at is not None and isinstance(self, CertKeepingHTTPSConnection):
                self.trace.add("tls", ms=_ms(self._connected_at), error=str(exc)[:300])
            raise
        if self._connected_at is not None and isinstance(self, CertKeepingHTTPSConnection):
            version = self.sock.version() if hasattr(self.sock, "version") else None
            verified = bool(getattr(self, "is_verified", False))
            cert = step_cert(describe(self.peer_der, str(self.host), verified))
            self.trace.add("tls", ms=_ms(self._connected_at), detail=version, cert=cert)


def step_cert(cert: dict | None) -> dict | None:
    """A certificate as a trace step shows it: as ServerStatus.cert, read now."""
    now = datetime.now(UTC)
    return cert_json(cert and cert | {"checked_at": now.isoformat()}, now)


class TracedProber(HttpProber):
    """An HttpProber whose separate certificate handshake (API-NEXT §1.6) is a step too."""

    trace: Trace

    def certificate_handshake(self, host: str, port: int, timeout: float) -> bytes | None:
        started = time.perf_counter()
        der = super().certificate_handshake(host, port, timeout)
        cert = step_cert(describe(der, host, False))
        detail = "a separate handshake, verifying nothing, to read the certificate"
        error = None if der else "no certificate"
        self.trace.add("tls", ms=_ms(started), detail=detail, cert=cert, error=error)
        return der


def connect_error(exc: BaseException) -> str:
    """The reason a connection could not be opened, in a few words."""
    text = str(exc)
    if "refused" in text.lower():
        return "Connection refused"
    if "timed out" in text.lower():
        return "Timed out"
    return text.split(": ", 1)[-1][:300]


def traced_prober(guard: TracingGuard, trace: Trace, cafile: str | None) -> HttpProber:
    """An HttpProber of one connection per scheme whose connections record their steps."""
    prober = TracedProber(cafile=cafile, pool_size=1, num_pools=4, guard=guard)
    prober.trace = trace
    classes = {}
    for scheme, pool, connection in (
        ("http", HTTPConnectionPool, ProbeHTTPConnection),
        ("https", HTTPSConnectionPool, CertKeepingHTTPSConnection),
    ):
        traced = type(
            f"Traced{connection.__name__}",
            (TracedConnection, GuardedConnection, connection),
            {"guard": guard, "trace": trace},
        )
        classes[scheme] = type(f"Traced{pool.__name__}", (pool,), {"ConnectionCls": traced})
    for manager in (prober.verified, prober.insecure):
        manager.pool_classes_by_scheme = classes
    return prober


def run_traced(target: Target, guard: Guard, cafile: str | None = None) -> tuple[Outcome, list]:
    """Check a target once, as scheduled checks do; return its Outcome and its steps."""
    trace = Trace()
    tracing = TracingGuard(guard, trace)
    prober = traced_prober(tracing, trace, cafile)
    try:
        outcome = probe(target, ProbeContext(http=prober, guard=tracing))
    finally:
        prober.verified.clear()
        prober.insecure.clear()
    finish(trace, target, outcome)
    return outcome, trace.steps


def finish(trace: Trace, target: Target, outcome: Outcome) -> None:
    """Add what the Outcome says: the HTTP answer, each assertion, or the kind's own step."""
    failed = outcome.message if not outcome.ok else None
    if target.protocol in ("http", "https"):
        if outcome.status_code is not None:
            trace.add("http", status=outcome.status_code, ms=outcome.response_time_ms)
        elif not any("error" in step for step in trace.steps):
            trace.add("http", error=failed)
    elif target.protocol == "tcp":
        if not any(step["step"] == "connect" for step in trace.steps):
            trace.add("connect", ms=outcome.response_time_ms, error=failed)
    else:
        trace.add(
            target.protocol,
            ms=outcome.response_time_ms,
            detail=outcome.details or None,
            error=failed,
        )
    for index, verdict in enumerate(outcome.assertions or []):
        trace.add("assertion", index=index, **verdict)
