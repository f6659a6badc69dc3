"""PagerDuty: a down and its recovery are one trigger and one resolve, paired by dedup key.

Apprise's pagerduty plugin posts to PagerDuty's fixed Events API v2 address, held in its module's
PAGERDUTY_API_LOOKUP; the test points that one address at a local receiver, so everything else
(the config saved through the API, the recording path, the delivery job, Apprise building and
posting the event over a real socket) runs as in production.
"""

import time

import gevent
import pytest

from pulseguard.monitoring.record import record_results
from tests.notify.peers import HttpPeer, wait_for
from tests.outcomes import DOWN, OK, result

ROUTING_KEY = "R0UT1NGKEY0123456789abcdef012345"


@pytest.fixture
def events_api(monkeypatch):
    """A stand-in for PagerDuty's Events API v2 (it answers 202 like the real one)."""
    from apprise.plugins import pagerduty

    peer = HttpPeer(default=(202, '{"status": "success", "message": "Event processed"}'))
    for region in list(pagerduty.PAGERDUTY_API_LOOKUP):
        monkeypatch.setitem(pagerduty.PAGERDUTY_API_LOOKUP, region, peer.url + "/v2/enqueue")
    yield peer
    peer.close()


def outage(app, server_id, start, deliveries):
    """Record an up check, a down one and, once its message is out, an up one again."""
    before = len(deliveries())
    for offset, outcome in ((0, OK), (10, DOWN), (20, OK)):
        with app.app_context():
            record_results([result(server_id, outcome, start + offset)])
        if outcome is DOWN:
            wait_for(lambda: len(deliveries()) > before)
    wait_for(lambda: len(deliveries()) >= before + 2)


def events(peer):
    """The (event_action, dedup_key) of each event the receiver got, in order."""
    return [
        (peer.json(i)["event_action"], peer.json(i)["dedup_key"]) for i in range(len(peer.requests))
    ]


def test_a_down_and_its_recovery_are_one_trigger_and_one_resolve_of_one_key(
    embedded, server, add_config, deliveries, events_api
):
    options = {"api_key": "u+apikey1234"}
    config = add_config(server["id"], "pagerduty", ROUTING_KEY, options=options)
    outage(embedded, server["id"], time.time() - 60, deliveries)
    gevent.sleep(0.3)  # a third event, were one due, has had its time to be sent

    assert [d[:4] for d in deliveries()] == [
        (config, "failure", 1, "sent"),
        (config, "recovery", 1, "sent"),
    ]
    (trigger, key), (resolve, same) = events(events_api)
    assert (trigger, resolve) == ("trigger", "resolve")
    assert key == same and key.startswith("pulseguard-incident-")
    first = events_api.json(0)
    assert first["routing_key"] == ROUTING_KEY
    assert first["payload"]["severity"] == "critical" and "web" in first["payload"]["summary"]
    assert events_api.requests[0]["headers"]["authorization"] == "Token token=u+apikey1234"


def test_two_outages_are_two_incidents_with_two_keys(
    embedded, server, add_config, deliveries, events_api
):
    add_config(server["id"], "pagerduty", ROUTING_KEY, options={"api_key": "u+apikey1234"})
    start = time.time() - 120
    outage(embedded, server["id"], start, deliveries)
    outage(embedded, server["id"], start + 40, deliveries)
    gevent.sleep(0.3)

    sent = events(events_api)
    assert [action for action, _ in sent] == ["trigger", "resolve", "trigger", "resolve"]
    first, second = {key for _, key in sent[:2]}, {key for _, key in sent[2:]}
    assert len(first) == len(second) == 1 and first != second
