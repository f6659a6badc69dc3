"""The ICMP probe against loopback and a network namespace; its verdicts on loss and RTT.

Raw or datagram ICMP sockets need root, CAP_NET_RAW or net.ipv4.ping_group_range: where this
process has none of them the network tests skip, saying so.
"""

import pytest

from pulseguard.checks.context import ProbeContext
from pulseguard.checks.guard import Guard, parse_networks
from pulseguard.checks.icmp import IcmpOptions, capability, judge, mode, worker_name
from pulseguard.checks.probe import probe
from pulseguard.kinds import draft_target
from tests.icmp_net import netns, remove

needs_icmp = pytest.mark.skipif(
    mode("auto") is None,
    reason="SKIPPED LOUDLY: this process cannot send ICMP (no root, CAP_NET_RAW, ping_group_range)",
)


def ping(host, **icmp):
    block = {"count": 3, "interval": 0.2} | icmp
    return draft_target("icmp", id=1, host=host, port=None, timeout_s=1.0, settings={"icmp": block})


@pytest.fixture(scope="module")
def namespace():
    ns = netns()
    if ns is None:
        pytest.skip("SKIPPED LOUDLY: cannot create a network namespace here (needs root)")
    yield ns
    remove(ns)


@needs_icmp
def test_loopback_answers_every_ping_with_its_round_trip_times():
    outcome = probe(ping("127.0.0.1"), ProbeContext())
    assert outcome.status == "success" and outcome.message == "OK"
    details = outcome.details
    assert details["address"] == "127.0.0.1"
    assert (details["sent"], details["received"], details["loss_pct"]) == (3, 3, 0.0)
    assert 0 < details["min_ms"] <= details["avg_ms"] <= details["max_ms"]
    assert details["jitter_ms"] >= 0
    assert outcome.response_time_ms == details["avg_ms"]


@needs_icmp
def test_a_namespace_address_answers_and_a_silent_one_loses_everything(namespace):
    answered = probe(ping(namespace.answering), ProbeContext())
    assert answered.status == "success", answered.message
    lost = probe(ping(namespace.silent, count=2, interval=0.2), ProbeContext())
    assert lost.status == "timeout"
    assert lost.message == f"0/2 replies (100% loss) from {namespace.silent}"
    assert lost.details["loss_pct"] == 100.0 and lost.details["avg_ms"] is None
    assert lost.response_time_ms is None


@needs_icmp
def test_the_guard_refuses_denied_addresses_before_any_ping():
    guard = Guard(parse_networks("TARGET_DENY_NETWORKS", "loopback"))
    outcome = probe(ping("127.0.0.1"), ProbeContext(guard=guard))
    assert outcome.status == "error" and outcome.message.startswith("Blocked: 127.0.0.1")


def test_a_name_that_does_not_resolve_is_an_error():
    outcome = probe(ping("no-such-host.invalid"), ProbeContext())
    assert outcome.status == "error"
    assert outcome.message == "Cannot resolve host"


def test_a_worker_that_cannot_send_icmp_says_so_in_the_result():
    # ICMP_MODE=unprivileged with ping_group_range "1 0" (this machine's): not even root may.
    if mode("unprivileged") is not None:
        pytest.skip("SKIPPED LOUDLY: ping_group_range lets this process ping unprivileged")
    assert capability("unprivileged")["icmp"] is False
    assert "ping_group_range" in capability("unprivileged")["message"]
    outcome = probe(ping("127.0.0.1"), ProbeContext(icmp_mode="unprivileged"))
    assert outcome.status == "error"
    assert outcome.message == f"ICMP not permitted on worker {worker_name()}"


OPTIONS = IcmpOptions(count=4, down_loss_pct=75, degraded_loss_pct=25)


@pytest.mark.parametrize(
    ("rtts", "status", "degraded", "message"),
    [
        ([1.0, 2.0, 1.5, 1.0], "success", False, "OK"),
        ([1.0, 2.0, 1.5], "success", True, "Packet loss 25% (degraded at 25%)"),
        ([1.0, 2.0], "success", True, "Packet loss 50% (degraded at 25%)"),
        ([1.0], "timeout", False, "1/4 replies (75% loss) from 192.0.2.1"),
        ([], "timeout", False, "0/4 replies (100% loss) from 192.0.2.1"),
    ],
)
def test_loss_thresholds_decide_degraded_and_down(rtts, status, degraded, message):
    outcome = judge(OPTIONS, "192.0.2.1", 4, rtts)
    assert (outcome.status, outcome.degraded, outcome.message) == (status, degraded, message)


def test_rtt_figures_are_min_avg_max_and_mean_successive_difference():
    details = judge(IcmpOptions(count=3), "192.0.2.1", 3, [1.0, 3.0, 2.0]).details
    assert (details["min_ms"], details["avg_ms"], details["max_ms"]) == (1.0, 2.0, 3.0)
    assert details["jitter_ms"] == 1.5
