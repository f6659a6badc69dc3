"""Status changes become delivery jobs (in-process here): once per outage, retried, recorded."""

import gevent
import pytest
from gevent.event import Event

from pulseguard.notify.delivery import deliver
from pulseguard.notify.triggers import enqueue_for_changes, event_for
from tests.notify.peers import wait_for


@pytest.mark.parametrize(
    "old, new, event",
    [
        ("up", "down", "failure"),
        ("degraded", "down", "failure"),
        ("unknown", "down", "failure"),
        ("down", "up", "recovery"),
        ("down", "degraded", "recovery"),
        ("unknown", "up", None),
        ("up", "degraded", "degraded"),
        ("degraded", "up", "recovery"),
        ("unknown", "degraded", None),
        ("down", "unknown", None),
    ],
)
def test_which_transitions_notify(old, new, event):
    assert event_for(old, new) == event


def sent(deliveries, count):
    return lambda: len([d for d in deliveries() if d[3] != "retrying"]) >= count


def test_a_failure_reaches_every_channel_once(
    embedded, ctx, server, change, add_config, deliveries, smtp, webhook, twilio
):
    mail = add_config(server["id"], "email", "ops@example.test")
    hook = add_config(server["id"], "webhook", webhook.url + "/hook")
    sms = add_config(server["id"], "sms", "+15557654321")
    cid = change(server["id"], "up", "down", "HTTP 503")
    enqueue_for_changes([cid])
    wait_for(sent(deliveries, 3))
    assert sorted(deliveries()) == [
        (mail, "failure", 1, "sent", None),
        (hook, "failure", 1, "sent", None),
        (sms, "failure", 1, "sent", None),
    ]
    assert len(smtp.messages()) == 1 and len(webhook.requests) == 1 and len(twilio.requests) == 1
    assert "DOWN: web" in smtp.messages()[0]["data"]
    assert webhook.json()["event"] == "failure" and webhook.json()["status_change_id"] == cid


def test_only_configs_that_want_it_hear_of_a_recovery(
    embedded, ctx, server, change, add_config, deliveries, webhook
):
    wants = add_config(server["id"], "webhook", webhook.url + "/wants")
    add_config(server["id"], "webhook", webhook.url + "/not", notify_on_recovery=False)
    add_config(server["id"], "webhook", webhook.url + "/off", enabled=False)
    enqueue_for_changes([change(server["id"], "down", "up", "OK")])
    wait_for(sent(deliveries, 1))
    gevent.sleep(0.1)
    assert [d[:4] for d in deliveries()] == [(wants, "recovery", 1, "sent")]
    assert [r["path"] for r in webhook.requests] == ["/wants"]
    assert webhook.json()["event"] == "recovery" and webhook.json()["new_status"] == "up"


def test_a_first_up_and_other_non_events_notify_nobody(
    embedded, ctx, server, change, add_config, deliveries, webhook
):
    hook = add_config(server["id"], "webhook", webhook.url)
    quiet = [change(server["id"], "unknown", "up"), change(server["id"], "up", "degraded")]
    enqueue_for_changes(quiet)
    # A real failure afterwards proves the queue ran: only it is delivered.
    enqueue_for_changes([change(server["id"], "degraded", "down")])
    wait_for(sent(deliveries, 1))
    assert [d[:4] for d in deliveries()] == [(hook, "failure", 1, "sent")]
    assert len(webhook.requests) == 1


def test_a_transient_error_is_retried_until_it_succeeds(
    embedded, ctx, server, change, add_config, deliveries, webhook
):
    webhook.answers = [(503, "busy"), (500, "oops")]
    hook = add_config(server["id"], "webhook", webhook.url)
    enqueue_for_changes([change(server["id"], "up", "down")])
    wait_for(sent(deliveries, 1))
    assert [d[:4] for d in deliveries()] == [
        (hook, "failure", 1, "retrying"),
        (hook, "failure", 2, "retrying"),
        (hook, "failure", 3, "sent"),
    ]
    assert "HTTP 503" in deliveries()[0][4] and len(webhook.requests) == 3


def test_an_smtp_4xx_is_retried_and_then_delivered(
    embedded, ctx, server, change, add_config, deliveries, smtp
):
    mail = add_config(server["id"], "email", "flaky@example.test")
    enqueue_for_changes([change(server["id"], "up", "down")])
    wait_for(sent(deliveries, 1))
    assert [d[:4] for d in deliveries()] == [
        (mail, "failure", 1, "retrying"),
        (mail, "failure", 2, "sent"),
    ]
    assert len(smtp.messages()) == 1


def test_a_permanent_error_is_not_retried(
    embedded, ctx, server, change, add_config, deliveries, webhook
):
    webhook.default = (410, "gone")
    hook = add_config(server["id"], "webhook", webhook.url)
    enqueue_for_changes([change(server["id"], "up", "down")])
    wait_for(sent(deliveries, 1))
    gevent.sleep(0.3)  # six retry delays: a retry would have happened by now
    assert [d[:4] for d in deliveries()] == [(hook, "failure", 1, "failed")]
    assert "HTTP 410" in deliveries()[0][4] and len(webhook.requests) == 1


def test_retries_stop_after_the_last_delay(
    embedded, ctx, server, change, add_config, deliveries, webhook
):
    webhook.default = (503, "down for maintenance")
    add_config(server["id"], "webhook", webhook.url)
    enqueue_for_changes([change(server["id"], "up", "down")])
    wait_for(sent(deliveries, 1))
    gevent.sleep(0.3)
    assert [(d[2], d[3]) for d in deliveries()] == [(1, "retrying"), (2, "retrying"), (3, "failed")]
    assert len(webhook.requests) == 3


def test_running_a_delivery_job_twice_sends_once(
    embedded, ctx, server, change, add_config, deliveries, webhook
):
    hook = add_config(server["id"], "webhook", webhook.url)
    cid = change(server["id"], "up", "down")
    assert deliver(hook, cid, "failure") == "sent"
    assert deliver(hook, cid, "failure") is None
    assert len(webhook.requests) == 1 and len(deliveries()) == 1


def test_a_disabled_config_is_skipped_even_when_its_job_is_queued(
    embedded, ctx, server, change, add_config, deliveries, webhook, as_alice
):
    hook = add_config(server["id"], "webhook", webhook.url)
    cid = change(server["id"], "up", "down")
    as_alice.patch(f"/api/notification-configs/{hook}/", json={"enabled": False})
    assert deliver(hook, cid, "failure") is None
    assert webhook.requests == [] and deliveries() == []


def test_a_hanging_channel_delays_neither_the_caller_nor_other_channels(
    embedded, ctx, app, server, change, add_config, deliveries, webhook, smtp, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_S", 30)
    webhook.hold = Event()  # the receiver accepts the request and then says nothing
    hook = add_config(server["id"], "webhook", webhook.url)
    mail = add_config(server["id"], "email", "ops@example.test")
    enqueue_for_changes([change(server["id"], "up", "down")])
    # enqueue_for_changes returned at once; the email goes out while the webhook hangs.
    wait_for(sent(deliveries, 1))
    assert len(webhook.requests) == 1 and not webhook.hold.is_set()
    assert [d[:4] for d in deliveries()] == [(mail, "failure", 1, "sent")]
    webhook.hold.set()
    wait_for(sent(deliveries, 2))
    assert (hook, "failure", 1, "sent", None) in deliveries()


def test_each_server_s_change_goes_to_that_server_s_configs_only(
    embedded, ctx, server, make_server, change, add_config, deliveries, webhook
):
    other = make_server(name="db")["id"]
    mine = add_config(server["id"], "webhook", webhook.url + "/web")
    theirs = add_config(other, "webhook", webhook.url + "/db")
    down = change(server["id"], "up", "down")
    back = change(other, "down", "up")
    enqueue_for_changes([down, back])
    wait_for(sent(deliveries, 2))
    assert sorted(d[:4] for d in deliveries()) == [
        (mine, "failure", 1, "sent"),
        (theirs, "recovery", 1, "sent"),
    ]
    assert sorted(r["path"] for r in webhook.requests) == ["/db", "/web"]
