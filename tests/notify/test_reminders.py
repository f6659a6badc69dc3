"""Reminders: the failure message again every reminder_minutes while the server stays down."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from pulseguard.extensions import db
from pulseguard.models import NotificationConfig, Server, ServerStatus, StatusChange
from pulseguard.models.types import utcnow
from pulseguard.notify.reminders import send_reminders
from tests.notify.peers import wait_for


@pytest.fixture
def outage(app, server, change):
    """Alice's server, down for the last 10 minutes; returns the id of the change to down."""
    cid = change(server["id"], "up", "down", "HTTP 503")
    with app.app_context():
        db.session.execute(
            update(StatusChange)
            .where(StatusChange.id == cid)
            .values(created_at=utcnow() - timedelta(minutes=10))
        )
        db.session.execute(
            update(ServerStatus).where(ServerStatus.server_id == server["id"]).values(health="down")
        )
        db.session.commit()
    return cid


def remind(app):
    with app.app_context():
        return send_reminders()


def rewind_reminder(app, config_id, minutes):
    """Pretend the last reminder went out `minutes` ago."""
    with app.app_context():
        db.session.execute(
            update(NotificationConfig)
            .where(NotificationConfig.id == config_id)
            .values(reminded_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()


def test_a_server_still_down_is_reminded_once_per_period(
    embedded, server, outage, add_config, deliveries, webhook
):
    hook = add_config(server["id"], "webhook", webhook.url, reminder_minutes=5)
    assert remind(embedded) == 1
    wait_for(deliveries)
    assert remind(embedded) == 0  # the next one is due in 5 minutes
    rewind_reminder(embedded, hook, 4)
    assert remind(embedded) == 0
    rewind_reminder(embedded, hook, 6)
    assert remind(embedded) == 1
    wait_for(lambda: len(deliveries()) == 2)
    assert [d[:4] for d in deliveries()] == [
        (hook, "reminder", 1, "sent"),
        (hook, "reminder", 1, "sent"),
    ]
    payload = webhook.json()
    assert payload["event"] == "reminder" and payload["status_change_id"] == outage
    assert payload["new_status"] == "down" and payload["message"] == "HTTP 503"


def test_the_first_reminder_waits_a_full_period_after_the_failure(
    embedded, server, outage, add_config
):
    add_config(server["id"], "webhook", "http://127.0.0.1:9/", reminder_minutes=15)
    assert remind(embedded) == 0


def test_reminders_go_only_to_configs_that_ask_for_them(
    embedded, app, server, outage, add_config, make_server, webhook
):
    add_config(server["id"], "webhook", webhook.url)  # no reminder_minutes
    add_config(server["id"], "webhook", webhook.url, reminder_minutes=1, enabled=False)
    add_config(server["id"], "webhook", webhook.url, reminder_minutes=1, notify_on_failure=False)
    up = make_server(name="healthy")["id"]
    add_config(up, "webhook", webhook.url, reminder_minutes=1)
    assert remind(embedded) == 0
    assert webhook.requests == []


def test_a_paused_server_is_not_reminded_about(
    embedded, server, outage, add_config, webhook, as_alice
):
    add_config(server["id"], "webhook", webhook.url, reminder_minutes=1)
    assert as_alice.patch(f"/api/servers/{server['id']}/", json={"status": "paused"}).status_code
    with embedded.app_context():
        assert db.session.get(Server, server["id"]).monitoring_state == "paused"
    assert remind(embedded) == 0


def test_reminders_stop_at_max_reminders(embedded, server, outage, add_config, deliveries, webhook):
    hook = add_config(server["id"], "webhook", webhook.url, reminder_interval=5, max_reminders=2)
    for sent in (1, 2):
        assert remind(embedded) == 1
        wait_for(lambda: len(deliveries()) == sent)  # noqa: B023 - called at once
        rewind_reminder(embedded, hook, 6)
    assert remind(embedded) == 0
    assert [d[1] for d in deliveries()] == ["reminder", "reminder"]
