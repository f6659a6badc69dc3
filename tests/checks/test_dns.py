"""The DNS probe against a local responder: rcodes, canonical values, matching, TCP fallback."""

import pytest

from pulseguard import kinds
from pulseguard.checks.probe import probe
from pulseguard.kinds.dns import DnsBlock
from tests.dns_responder import Responder
from tests.targets import refused_port

ZONE = {
    ("www.example.test", "A"): ["192.0.2.10", "192.0.2.11"],
    ("www.example.test", "AAAA"): ["2001:0db8:0000::0001"],
    ("example.test", "MX"): ["10 MX1.Example.Test.", "20 mx2.example.test."],
    ("example.test", "TXT"): ['"v=spf1 " "-all"'],
    ("example.test", "CAA"): ['0 issue "letsencrypt.org"'],
    ("_sip._tcp.example.test", "SRV"): ["10 60 5060 SIP.example.test."],
    ("alias.example.test", "CNAME"): ["www.example.test."],
    ("10.2.0.192.in-addr.arpa", "PTR"): ["www.example.test."],
    ("big.example.test", "TXT"): ["x" * 200] * 5,
}


@pytest.fixture
def responder():
    server = Responder(ZONE, silent={"slow.example.test"}, truncated={"big.example.test"})
    yield server
    server.stop()


def dns_target(host, timeout=2.0, **block):
    settings = {"dns": DnsBlock().load(block)}
    return kinds.draft_target("dns", host=host, port=None, timeout_s=timeout, settings=settings)


def check(responder, host, timeout=2.0, **block):
    return probe(dns_target(host, timeout, **{"resolvers": [responder.address]} | block))


def test_an_a_record_answers_with_its_addresses_and_details(responder):
    outcome = check(responder, "www.example.test")
    assert outcome.ok, outcome.message
    assert outcome.details["answers"] == ["192.0.2.10", "192.0.2.11"]
    assert outcome.details["rcode"] == "NOERROR" and outcome.details["ttl_min"] == 300
    assert outcome.details["resolver"] == responder.address
    assert outcome.response_time_ms is not None and outcome.response_time_ms >= 0


def test_values_are_compared_in_canonical_form(responder):
    assert check(responder, "www.example.test", record_type="AAAA", expected=["2001:db8::1"]).ok
    mx = check(responder, "example.test", record_type="MX", expected=["10 mx1.example.test."])
    assert mx.ok and mx.details["answers"] == ["10 mx1.example.test", "20 mx2.example.test"]
    assert check(responder, "example.test", record_type="MX", expected=["mx2.example.test"]).ok
    assert check(responder, "example.test", record_type="TXT", expected=["v=spf1 -all"]).ok
    caa = check(
        responder, "example.test", record_type="CAA", expected=['0 issue "letsencrypt.org"']
    )
    assert caa.ok, caa.message
    srv = check(responder, "_sip._tcp.example.test", record_type="SRV")
    assert srv.details["answers"] == ["10 60 5060 sip.example.test"]
    cname = check(
        responder, "alias.example.test", record_type="CNAME", expected=["WWW.example.test"]
    )
    assert cname.ok


def test_a_ptr_check_of_an_ip_address_asks_for_its_reverse_name(responder):
    outcome = check(responder, "192.0.2.10", record_type="PTR", expected=["www.example.test"])
    assert outcome.ok, outcome.message


@pytest.mark.parametrize(
    ("match", "expected", "ok"),
    [
        ("any", ["192.0.2.10", "192.0.2.99"], True),
        ("all", ["192.0.2.10", "192.0.2.99"], False),
        ("all", ["192.0.2.11"], True),
        ("exact", ["192.0.2.11"], False),
        ("exact", ["192.0.2.11", "192.0.2.10"], True),
        ("any", ["192.0.2.99"], False),
    ],
)
def test_expected_values_match_any_all_or_exactly(responder, match, expected, ok):
    assert check(responder, "www.example.test", match=match, expected=expected).ok is ok


def test_a_value_that_does_not_match_says_what_was_answered(responder):
    outcome = check(responder, "www.example.test", expected=["192.0.2.99"])
    assert outcome.status == "failure"
    assert outcome.message == "Got 192.0.2.10, 192.0.2.11; expected 192.0.2.99"


def test_a_name_that_is_gone_fails_unless_nxdomain_is_expected(responder):
    gone = check(responder, "gone.example.test")
    assert gone.status == "failure" and gone.message == "rcode NXDOMAIN (expected NOERROR)"
    assert check(responder, "gone.example.test", expected_rcode="NXDOMAIN").ok
    present = check(responder, "www.example.test", expected_rcode="NXDOMAIN")
    assert present.message == "rcode NOERROR (expected NXDOMAIN)"


def test_an_existing_name_without_records_of_the_type_fails(responder):
    outcome = check(responder, "alias.example.test", record_type="MX")
    assert outcome.status == "failure" and outcome.message == "No MX records"


def test_a_truncated_udp_answer_is_asked_again_over_tcp(responder):
    outcome = check(responder, "big.example.test", record_type="TXT")
    assert outcome.ok, outcome.message
    assert len(outcome.details["answers"]) == 1  # five equal strings are one record
    assert responder.queries[("big.example.test", "udp")] == 1
    assert responder.queries[("big.example.test", "tcp")] == 1


def test_the_tcp_transport_asks_over_tcp_only(responder):
    assert check(responder, "www.example.test", transport="tcp").ok
    assert responder.queries["tcp"] == 1 and responder.queries["udp"] == 0


def test_a_resolver_that_never_answers_is_a_timeout(responder):
    outcome = check(responder, "slow.example.test", timeout=0.5)
    assert outcome.status == "timeout" and outcome.message == "Timed out after 0.5s"


def test_a_resolver_that_refuses_connections_is_an_error():
    resolver = f"127.0.0.1:{refused_port()}"
    outcome = probe(dns_target("www.example.test", 1.0, resolvers=[resolver], transport="tcp"))
    assert outcome.status == "error" and "refused" in outcome.message.lower()


def test_the_next_resolver_is_asked_when_one_is_silent(responder):
    silent = Responder({}, silent={"www.example.test"})
    try:
        resolvers = [silent.address, responder.address]
        outcome = check(responder, "www.example.test", timeout=2.0, resolvers=resolvers)
    finally:
        silent.stop()
    assert outcome.ok, outcome.message
    assert outcome.details["resolver"] == responder.address
