"""dns servers through the API: the `dns` object, its defaults, the 422s of API-NEXT §1.3."""

import time

import pytest

from pulseguard.jobs.checks import run_check_batch
from pulseguard.jobs.engine import get_engine
from tests.dns_responder import Responder

NOT_A_HOST = "Must be a hostname or IP address, without scheme, port or path."


def dns_server(api, **fields):
    body = {"name": "resolver", "protocol": "dns", "host": "www.example.test"} | fields
    return api.post("/api/servers/", json=body)


def errors_of(response):
    assert response.status_code == 422, response.json
    return response.json["errors"]["json"]


def test_a_dns_server_gets_the_defaults_of_its_dns_object(as_alice):
    response = dns_server(as_alice)
    assert response.status_code == 201, response.json
    assert response.json["port"] is None
    assert response.json["dns"] == {
        "record_type": "A",
        "resolvers": [],
        "expected": [],
        "match": "any",
        "expected_rcode": "NOERROR",
        "transport": "udp",
    }


def test_expected_values_and_rcodes_are_stored_in_canonical_form(as_alice):
    dns = {"record_type": "AAAA", "expected": ["2001:0DB8::0001"], "expected_rcode": "nxdomain"}
    saved = dns_server(as_alice, dns=dns).json["dns"]
    assert saved["expected"] == ["2001:db8::1"] and saved["expected_rcode"] == "NXDOMAIN"
    mx = dns_server(as_alice, name="mx", dns={"record_type": "MX", "expected": ["10 MX.Example."]})
    assert mx.json["dns"]["expected"] == ["10 mx.example"]


def test_a_patch_of_one_dns_field_keeps_the_others(as_alice):
    server = dns_server(as_alice, dns={"record_type": "MX", "resolvers": ["192.0.2.53"]}).json
    response = as_alice.patch(f"/api/servers/{server['id']}/", json={"dns": {"expected": ["mx.a"]}})
    assert response.status_code == 200, response.json
    assert response.json["dns"]["record_type"] == "MX"
    assert response.json["dns"]["resolvers"] == ["192.0.2.53"]
    assert response.json["dns"]["expected"] == ["mx.a"]
    bad = as_alice.patch(f"/api/servers/{server['id']}/", json={"dns": {"record_type": "A"}})
    assert errors_of(bad) == {"dns": {"expected": {"0": ["Not an IPv4 address."]}}}


TYPES = "A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, CAA"
NOT_AN_IP = {"0": ["Resolver must be an IP address."]}
PORT_IN_RESOLVERS = "Not allowed for protocol 'dns'; put the port in dns.resolvers."
FOUR = ["1.1.1.1", "1.0.0.1", "8.8.8.8", "9.9.9.9"]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        # A malformed name fails the host rule every kind shares, in its words:
        ({"host": "exa mple.com"}, {"host": [NOT_A_HOST]}),
        ({"host": "a" * 64 + ".example"}, {"host": [NOT_A_HOST]}),
        ({"host": "192.0.2.1"}, {"host": ["Not a valid DNS name."]}),
        ({"port": 53}, {"port": [PORT_IN_RESOLVERS]}),
        ({"dns": {"record_type": "ANY"}}, {"dns": {"record_type": [f"Must be one of: {TYPES}."]}}),
        ({"dns": {"resolvers": ["dns.google"]}}, {"dns": {"resolvers": NOT_AN_IP}}),
        ({"dns": {"resolvers": ["1.1.1.1:99999"]}}, {"dns": {"resolvers": NOT_AN_IP}}),
        ({"dns": {"resolvers": FOUR}}, {"dns": {"resolvers": ["At most 3."]}}),
        ({"dns": {"expected_rcode": "NOPE"}}, {"dns": {"expected_rcode": ["Unknown rcode."]}}),
        ({"dns": {"expected": ["x"]}}, {"dns": {"expected": {"0": ["Not an IPv4 address."]}}}),
        (
            {"dns": {"record_type": "AAAA", "expected": ["192.0.2.1"]}},
            {"dns": {"expected": {"0": ["Not an IPv6 address."]}}},
        ),
        ({"dns": {"expected": ["192.0.2.1"] * 21}}, {"dns": {"expected": ["At most 20."]}}),
        ({"dns": {"match": "some"}}, {"dns": {"match": ["Must be one of: any, all, exact."]}}),
        ({"dns": {"transport": "doh"}}, {"dns": {"transport": ["Must be one of: udp, tcp."]}}),
    ],
)
def test_bad_dns_settings_get_a_422_at_their_path(as_alice, fields, errors):
    assert errors_of(dns_server(as_alice, **fields)) == errors


def test_the_dns_object_is_not_allowed_on_other_protocols(as_alice):
    response = as_alice.post(
        "/api/servers/",
        json={"name": "w", "protocol": "https", "host": "a.example", "dns": {"record_type": "A"}},
    )
    assert errors_of(response) == {"dns": ["Not allowed for protocol 'https'."]}


def test_ptr_checks_take_an_ip_address_and_resolvers_take_ports(as_alice):
    ptr = dns_server(as_alice, host="2001:db8::1", dns={"record_type": "PTR"})
    assert ptr.status_code == 201, ptr.json
    resolvers = ["192.0.2.53:5353", "[2001:db8::53]:53", "2001:db8::54"]
    assert dns_server(as_alice, name="r", dns={"resolvers": resolvers}).status_code == 201


def test_a_dns_server_is_checked_and_its_result_carries_the_answers(app, as_alice):
    responder = Responder({("www.example.test", "A"): ["192.0.2.10"]})
    try:
        dns = {"resolvers": [responder.address], "expected": ["192.0.2.10"]}
        server = dns_server(as_alice, dns=dns).json
        with app.app_context():
            run_check_batch([[server["id"], time.time()]])
        assert get_engine(app).drain(10)
    finally:
        responder.stop()
    results = as_alice.get(f"/api/ping-results/?server_id={server['id']}").json
    assert [r["status"] for r in results] == ["success"]
    assert results[0]["details"]["answers"] == ["192.0.2.10"]
    assert results[0]["details"]["resolver"] == responder.address
    status = as_alice.get(f"/api/server-status/{server['id']}/").json
    assert status["status"] == "up"


def test_a_resolver_in_a_denied_network_is_refused_at_save_and_at_check_time(as_alice):
    import json
    from dataclasses import replace

    from pulseguard.checks.context import ProbeContext
    from pulseguard.checks.dns import probe_dns
    from pulseguard.checks.guard import guard_for
    from pulseguard.kinds import draft_target

    refused = dns_server(as_alice, dns={"resolvers": ["169.254.169.254"]})
    assert refused.status_code == 422
    assert "TARGET_DENY_NETWORKS" in json.dumps(refused.json)
    target = draft_target("dns", id=1, host="example.com")
    target = replace(target, options=replace(target.options, resolvers=("169.254.169.254",)))
    outcome = probe_dns(target, ProbeContext(guard=guard_for("169.254.0.0/16", None)))
    assert outcome.status == "error"
    assert "169.254.169.254" in outcome.message and "TARGET_DENY_NETWORKS" in outcome.message
