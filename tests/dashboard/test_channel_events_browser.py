"""The channel form offers every event of API-NEXT §6 and the reminder settings, in a browser."""

import pytest
import requests

from tests.dashboard.conftest import create_admin, sign_in

pytestmark = pytest.mark.once


def configs(app, tokens):
    response = requests.get(
        f"{app.url}/api/notification-configs/",
        headers={"Authorization": f"Bearer {tokens['access']}"},
        timeout=5,
    )
    return response.json()


def test_a_channel_subscribes_to_announcements_and_reminds_until_acknowledged(live_app, page):
    tokens = create_admin(live_app)
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/channels")
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#nf-type", "webhook")
    page.fill("#nf-recipient", "https://hooks.example.com/ops")
    for event in ("cert_expiring", "maintenance", "incident_update"):
        page.check(f"input[name=event_{event}]")
    page.fill("#nf-reminder", "2")  # below the 5 minutes the API allows
    page.click("#nf-submit")
    page.wait_for_selector("[data-error-for=reminder_interval]:not(:empty)")
    assert configs(live_app, tokens) == []

    page.fill("#nf-reminder", "30")
    page.fill("#nf-max-reminders", "3")
    page.click("#nf-submit")
    item = "#notifications li:has-text('reminder every 30 min, at most 3')"
    page.wait_for_selector(item)
    assert "maintenance, incident_update" in page.inner_text(item)
    [saved] = configs(live_app, tokens)
    subscribed = ["down", "recovery", "cert_expiring", "maintenance", "incident_update"]
    assert saved["events"] == subscribed
    assert (saved["reminder_interval"], saved["max_reminders"]) == (30, 3)

    # Edited: the form shows what is stored, and unticking an event unsubscribes it.
    page.click(f"{item} >> text=Edit")
    assert page.is_checked("input[name=event_maintenance]")
    assert page.is_checked("input[name=event_incident_update]")
    assert page.input_value("#nf-reminder") == "30" and page.input_value("#nf-max-reminders") == "3"
    page.uncheck("input[name=event_maintenance]")
    page.fill("#nf-reminder", "0")
    page.click("#nf-submit")
    page.wait_for_selector("#notifications li:not(:has-text('maintenance'))")
    [saved] = configs(live_app, tokens)
    assert "maintenance" not in saved["events"] and "incident_update" in saved["events"]
    assert saved["reminder_interval"] == 0
    page.console.assert_clean(["422 /api/notification-configs/"])
