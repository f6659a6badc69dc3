"""Reminders, keyed on the open incident: every reminder_interval while it is open and not
acknowledged, at most max_reminders for that incident, stopped by an acknowledgement."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Incident, NotificationConfig, NotificationDelivery, StatusChange
from pulseguard.monitoring.record import record_results
from pulseguard.notify import runner
from pulseguard.notify.reminders import send_reminders
from tests.notify.peers import wait_for
from tests.outcomes import DOWN, OK, result


def check(app, sid, outcome):
    with app.app_context():
        record_results([result(sid, outcome, time.time())])


def age(app, minutes):
    """Move every incident, status change, delivery and reminder mark `minutes` into the past."""
    back = timedelta(minutes=minutes)
    with app.app_context():
        for model, name in (
            (Incident, "started_at"),
            (Incident, "detected_at"),
            (StatusChange, "created_at"),
            (NotificationDelivery, "created_at"),
            (NotificationConfig, "reminded_at"),
        ):
            for row in db.session.scalars(select(model)):
                if getattr(row, name) is not None:
                    setattr(row, name, getattr(row, name) - back)
        db.session.commit()


@pytest.fixture
def outage(embedded, server, as_alice):
    """Alice's server went down (through the check engine): returns its open incident's id."""
    check(embedded, server["id"], OK)
    check(embedded, server["id"], DOWN)
    [incident] = as_alice.get(f"/api/servers/{server['id']}/incidents/").json
    assert incident["state"] == "open"
    return incident["id"]


def remind(app):
    with app.app_context():
        return send_reminders()


def reminders(deliveries, config=None):
    return [d for d in deliveries() if d[1] == "reminder" and config in (None, d[0])]


def test_an_open_incident_is_reminded_once_per_interval(
    embedded, server, outage, add_config, deliveries, webhook, as_alice
):
    hook = add_config(server["id"], "webhook", webhook.url, reminder_interval=5, events=["down"])
    assert remind(embedded) == 0  # detected just now: the first reminder is 5 minutes away
    age(embedded, 4)
    assert remind(embedded) == 0
    age(embedded, 2)
    assert remind(embedded) == 1
    wait_for(lambda: reminders(deliveries))
    assert remind(embedded) == 0  # the next one is due in 5 minutes
    age(embedded, 6)
    assert remind(embedded) == 1
    wait_for(lambda: len(reminders(deliveries)) == 2)
    assert [d[:4] for d in reminders(deliveries)] == [(hook, "reminder", 1, "sent")] * 2
    payload = webhook.json()
    assert payload["event"] == "reminder" and payload["new_status"] == "down"
    assert payload["incident"]["id"] == outage and payload["incident"]["duration_seconds"] >= 660
    listed = as_alice.get(f"/api/notification-configs/{hook}/deliveries/?event=reminder").json
    assert {row["incident"] for row in listed} == {outage}


def test_acknowledging_the_incident_stops_its_reminders(
    embedded, server, outage, add_config, deliveries, webhook, as_alice
):
    add_config(server["id"], "webhook", webhook.url, reminder_interval=5)
    age(embedded, 6)
    assert remind(embedded) == 1
    wait_for(lambda: reminders(deliveries))
    ack = as_alice.post(f"/api/incidents/{outage}/ack/", json={"note": "on it"})
    assert ack.status_code == 200
    age(embedded, 60)
    assert remind(embedded) == 0
    assert len(reminders(deliveries)) == 1
    assert as_alice.delete(f"/api/incidents/{outage}/ack/").status_code == 204
    assert remind(embedded) == 0  # taken back: again a full interval from now
    age(embedded, 6)
    assert remind(embedded) == 1
    assert runner.drain(embedded, 5)  # its delivery done before the next test empties the tables


def test_a_resolved_incident_is_not_reminded_about(
    embedded, server, outage, add_config, deliveries, webhook
):
    add_config(server["id"], "webhook", webhook.url, reminder_interval=5)
    check(embedded, server["id"], OK)
    wait_for(lambda: deliveries())  # the recovery
    age(embedded, 30)
    assert remind(embedded) == 0
    assert [d[1] for d in deliveries()] == ["recovery"]
    assert runner.drain(embedded, 5)  # its streak update done before the tables are emptied


def test_reminders_stop_at_max_reminders_for_one_incident(
    embedded, server, outage, add_config, deliveries, webhook
):
    hook = add_config(server["id"], "webhook", webhook.url, reminder_interval=5, max_reminders=2)
    for sent in (1, 2):
        age(embedded, 6)
        assert remind(embedded) == 1
        wait_for(lambda: len(reminders(deliveries)) == sent)  # noqa: B023 - called at once
    age(embedded, 6)
    assert remind(embedded) == 0
    # The next outage is a new incident: its reminders start over.
    check(embedded, server["id"], OK)
    check(embedded, server["id"], DOWN)
    wait_for(lambda: len(deliveries()) == 4)  # its recovery and the next failure
    age(embedded, 6)
    assert remind(embedded) == 1
    wait_for(lambda: len(reminders(deliveries, hook)) == 3)


def test_an_owner_wide_config_reminds_each_incident_of_its_tagged_servers(
    embedded, make_server, add_config, deliveries, webhook
):
    prod_a = make_server(name="prod-a", tags=["prod"])["id"]
    prod_b = make_server(name="prod-b", tags=["prod"])["id"]
    dev = make_server(name="dev", tags=["dev"])["id"]
    hook = add_config(None, "webhook", webhook.url, tags=["prod"], reminder_interval=5)
    for sid in (prod_a, prod_b, dev):
        check(embedded, sid, OK)
        check(embedded, sid, DOWN)
    wait_for(lambda: len(deliveries()) == 2)  # prod-a and prod-b are down
    age(embedded, 6)
    assert remind(embedded) == 2
    wait_for(lambda: len(deliveries()) == 4)
    bodies = [webhook.json(i) for i in range(len(webhook.requests))]
    names = {body["server"]["name"] for body in bodies if body["event"] == "reminder"}
    assert names == {"prod-a", "prod-b"}
    assert {d[0] for d in reminders(deliveries)} == {hook}


def test_reminders_go_only_to_configs_that_ask_for_them(
    embedded, server, outage, add_config, make_server, webhook
):
    add_config(server["id"], "webhook", webhook.url)  # no reminder_interval
    add_config(server["id"], "webhook", webhook.url, reminder_interval=5, enabled=False)
    add_config(server["id"], "webhook", webhook.url, reminder_interval=5, events=["recovery"])
    up = make_server(name="healthy")["id"]
    check(embedded, up, OK)
    add_config(up, "webhook", webhook.url, reminder_interval=5)
    age(embedded, 30)
    assert remind(embedded) == 0


def test_a_paused_server_is_not_reminded_about(
    embedded, server, outage, add_config, webhook, as_alice
):
    add_config(server["id"], "webhook", webhook.url, reminder_interval=5)
    response = as_alice.patch(f"/api/servers/{server['id']}/", json={"status": "paused"})
    assert response.status_code == 200
    age(embedded, 30)
    assert remind(embedded) == 0
