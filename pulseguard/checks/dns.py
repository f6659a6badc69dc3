"""The DNS probe: one query to a resolver, its rcode and answers compared with what is expected.

dnspython lives behind this module only. Its quirks, handled here (API-NEXT §8):
- the stub `Resolver` raises for NXDOMAIN, NODATA and SERVFAIL; the probe wants to read the rcode,
  so it sends its own query with `dns.query.udp_with_fallback` (TCP when the UDP answer is
  truncated) or `dns.query.tcp`, which return every rcode without raising;
- it keeps no cache, so every check is a fresh query; under gevent it is cooperative, because it
  builds its selector at call time, after the monkey-patching.
"""

import ipaddress
import time
from dataclasses import dataclass
from functools import cache

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver
import dns.reversename

from pulseguard.checks.outcome import ERROR, FAILURE, SUCCESS, Outcome, timed_out
from pulseguard.checks.target import Target

RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT", "CAA")
MATCHES = ("any", "all", "exact")
TRANSPORTS = ("udp", "tcp")
NAME_TYPES = {"CNAME", "NS", "PTR"}


@dataclass(frozen=True, slots=True)
class DnsOptions:
    """The settings of a dns check (`Target.options` of the dns kind), in canonical form."""

    record_type: str = "A"
    resolvers: tuple[str, ...] = ()
    expected: tuple[str, ...] = ()
    match: str = "any"
    expected_rcode: str = "NOERROR"
    transport: str = "udp"


def parse_resolver(text: str) -> tuple[str, int]:
    """Split `IP`, `IP:port` or `[IPv6]:port` into (address, port); ValueError otherwise."""
    text = text.strip()
    port = "53"
    if text.startswith("["):
        address, _, rest = text[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise ValueError(text)
            port = rest[1:]
    elif text.count(":") == 1:
        address, port = text.split(":")
    else:
        address = text
    number = int(port) if port.isdigit() else 0
    if not 1 <= number <= 65535:
        raise ValueError(text)
    return str(ipaddress.ip_address(address)), number


def canonical_name(text: str) -> str:
    """A DNS name lowercased, without its trailing dot."""
    return text.strip().rstrip(".").lower()


def canonical_expected(record_type: str, value: str) -> str:
    """Return an expected value in the canonical form answers are written in; ValueError if bad."""
    value = value.strip()
    if record_type == "A":
        if not isinstance(_ip(value), ipaddress.IPv4Address):
            raise ValueError("Not an IPv4 address.")
        return str(_ip(value))
    if record_type == "AAAA":
        if not isinstance(_ip(value), ipaddress.IPv6Address):
            raise ValueError("Not an IPv6 address.")
        return str(_ip(value))
    if record_type in NAME_TYPES:
        return canonical_name(value)
    if record_type == "MX":
        preference, _, name = value.rpartition(" ")
        return f"{preference.strip()} {canonical_name(name)}".strip()
    if record_type == "SRV":
        *numbers, name = value.split() or [""]
        return " ".join([*numbers, canonical_name(name)])
    if record_type == "SOA":
        parts = value.split()
        return " ".join([*(canonical_name(p) for p in parts[:2]), *parts[2:]])
    if record_type == "CAA":
        return " ".join(value.split())
    return value  # TXT: compared as written


def _ip(value: str):
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def canonical_answer(rdata) -> str:
    """Write one answered record in the canonical form of API-NEXT §1.3."""
    kind = dns.rdatatype.to_text(rdata.rdtype)
    if kind in ("A", "AAAA"):
        return str(ipaddress.ip_address(rdata.address))
    if kind in NAME_TYPES:
        return canonical_name(rdata.target.to_text())
    if kind == "MX":
        return f"{rdata.preference} {canonical_name(rdata.exchange.to_text())}"
    if kind == "SRV":
        target = canonical_name(rdata.target.to_text())
        return f"{rdata.priority} {rdata.weight} {rdata.port} {target}"
    if kind == "TXT":
        return b"".join(rdata.strings).decode("utf-8", "replace")
    if kind == "SOA":
        mname, rname = (canonical_name(n.to_text()) for n in (rdata.mname, rdata.rname))
        numbers = (rdata.serial, rdata.refresh, rdata.retry, rdata.expire, rdata.minimum)
        return " ".join([mname, rname, *map(str, numbers)])
    return rdata.to_text()  # CAA: 0 issue "letsencrypt.org"


def matches(expected: str, answer: str, record_type: str) -> bool:
    """True when an answer is the expected value (an MX name without preference: any preference)."""
    if record_type == "MX" and " " not in expected:
        return answer.split(" ", 1)[-1] == expected
    if record_type == "CAA":
        return answer.lower() == expected.lower()
    return answer == expected


def values_match(options: DnsOptions, answers: list[str]) -> bool:
    """Compare the answers with the expected values as `options.match` says."""
    found = [any(matches(e, a, options.record_type) for a in answers) for e in options.expected]
    if options.match == "any":
        return any(found)
    if options.match == "all":
        return all(found)
    covered = all(
        any(matches(e, a, options.record_type) for e in options.expected) for a in answers
    )
    return all(found) and covered


def rcode_name(text: str) -> str:
    """Return the name of an rcode as dnspython writes it (NXDOMAIN); ValueError if unknown."""
    try:
        if text.strip().isdigit():
            raise dns.rcode.UnknownRcode
        return dns.rcode.to_text(dns.rcode.from_text(text.strip().upper()))
    except dns.rcode.UnknownRcode:
        raise ValueError(f"Unknown rcode {text!r}") from None


def is_dns_name(host: str) -> bool:
    """True for a name DNS can carry: labels of 1-63 octets, 253 in all (IDNA-encoded)."""
    try:
        name = dns.name.from_unicode(host) if not host.isascii() else dns.name.from_text(host)
    except (dns.exception.DNSException, UnicodeError, ValueError):
        return False
    return " " not in host and len(name.to_text(omit_final_dot=True)) <= 253


@cache
def system_resolvers() -> tuple[tuple[str, int], ...]:
    """The nameservers of this machine's /etc/resolv.conf (read once per process)."""
    try:
        resolver = dns.resolver.Resolver()
    except dns.resolver.NoResolverConfiguration:
        return ()
    return tuple((str(ns), resolver.port) for ns in resolver.nameservers)


def query_name(host: str, record_type: str) -> dns.name.Name:
    """The name to ask for: an IP literal of a PTR check becomes its reverse name."""
    if record_type == "PTR" and _ip(host) is not None:
        return dns.reversename.from_address(host)
    return dns.name.from_text(host)


def probe_dns(target: Target, context=None) -> Outcome:
    """Query the target's record and judge the answer; never raises for network problems."""
    options: DnsOptions = target.options
    servers = tuple(map(parse_resolver, options.resolvers)) or system_resolvers()
    if not servers:
        return Outcome(ERROR, None, None, "No resolver configured on this worker")
    guard = getattr(context, "guard", None)
    refusals = [guard.refusal(address) for address, _port in servers] if guard is not None else []
    if refused := next((r for r in refusals if r), None):
        return Outcome(ERROR, None, None, f"Resolver {refused}")
    query = dns.message.make_query(
        query_name(target.host, options.record_type), options.record_type
    )
    deadline = time.monotonic() + target.timeout_s
    error = None
    for index, (address, port) in enumerate(servers):
        remaining = (deadline - time.monotonic()) / (len(servers) - index)  # a share for each
        if remaining <= 0:
            break
        started = time.perf_counter()
        try:
            if options.transport == "tcp":
                response = dns.query.tcp(query, address, timeout=remaining, port=port)
            else:
                response, _tcp = dns.query.udp_with_fallback(
                    query, address, timeout=remaining, port=port
                )
        except dns.exception.Timeout:
            error = None
            continue
        except (OSError, dns.exception.DNSException) as exc:
            error = f"DNS query to {address} failed: {exc}"[:500]
            continue
        elapsed_ms = round((time.perf_counter() - started) * 1000.0, 2)
        return judge(options, response, elapsed_ms, _written(address, port))
    return Outcome(ERROR, None, None, error) if error else timed_out(target.timeout_s)


def _written(address: str, port: int) -> str:
    host = f"[{address}]" if ":" in address else address
    return host if port == 53 else f"{host}:{port}"


def _order(answer: str):
    """Sort answers as people read them: addresses numerically, MX/SRV by their numbers."""
    address = _ip(answer)
    if address is not None:
        return (0, address.version, int(address), [])
    return (1, 0, 0, [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in answer.split()])


def judge(options: DnsOptions, response, elapsed_ms: float, resolver: str) -> Outcome:
    """Turn a DNS response into an Outcome: the rcode, then the answered values."""
    rcode = dns.rcode.to_text(response.rcode())
    rdtype = dns.rdatatype.from_text(options.record_type)
    rrsets = [rrset for rrset in response.answer if rrset.rdtype == rdtype]
    answers = sorted((canonical_answer(r) for rrset in rrsets for r in rrset), key=_order)
    details = {
        "rcode": rcode,
        "answers": answers,
        "ttl_min": min((rrset.ttl for rrset in rrsets), default=None),
        "resolver": resolver,
    }

    def outcome(status, message):
        return Outcome(status, elapsed_ms, None, message[:500], details=details)

    if rcode != options.expected_rcode:
        return outcome(FAILURE, f"rcode {rcode} (expected {options.expected_rcode})")
    if options.expected_rcode != "NOERROR" and not options.expected:
        return outcome(SUCCESS, f"rcode {rcode}")
    if not answers:
        return outcome(FAILURE, f"No {options.record_type} records")
    if options.expected and not values_match(options, answers):
        return outcome(FAILURE, f"Got {', '.join(answers)}; expected {', '.join(options.expected)}")
    return outcome(SUCCESS, ", ".join(answers))
