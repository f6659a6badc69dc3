"""The incidents page in headless Chromium: open first, acknowledge, add an update, timeline."""

import pytest
import requests

from tests.dashboard.conftest import create_admin, sign_in, wait_until
from tests.dashboard.test_browser import add_server_via_api

pytestmark = pytest.mark.once

TITLE = "<img src=x onerror=alert(1)> disk full"


def call(app, tokens, method, url, body=None):
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    response = requests.request(method, f"{app.url}{url}", json=body, headers=headers, timeout=5)
    assert response.ok, response.text
    return response.json() if response.content else None


def test_open_incidents_are_acknowledged_updated_and_shown_with_their_timeline(live_app, page):
    tokens = create_admin(live_app)
    server = add_server_via_api(live_app, tokens, name="db-1", status="paused")
    old = call(live_app, tokens, "POST", "/api/incidents/", {"title": "Old outage"})
    call(live_app, tokens, "POST", f"/api/incidents/{old['id']}/resolve/")
    body = {"title": TITLE, "severity": "down", "servers": [server["id"]], "public": False}
    incident = call(live_app, tokens, "POST", "/api/incidents/", body)

    sign_in(page, live_app)
    page.click("a.nav-link:text('Incidents')")
    page.wait_for_url("**/incidents")
    page.wait_for_selector("body[data-ready=true]")
    open_row = page.locator("#open-incidents tbody tr")
    assert open_row.count() == 1
    cells = open_row.locator("td")
    # The title is text, not markup: no <img> was made of it.
    assert cells.nth(0).inner_text().startswith(TITLE)
    assert page.locator("#open-incidents img").count() == 0
    assert cells.nth(1).inner_text() == "db-1"
    assert cells.nth(2).text_content() == "down"
    assert cells.nth(4).inner_text().endswith("so far")
    assert cells.nth(5).inner_text() == "no"
    recent = page.locator("#recent-incidents tbody tr")
    assert recent.count() == 1 and recent.locator("td").first.inner_text().startswith("Old outage")
    assert recent.get_by_role("button", name="Acknowledge").count() == 0

    open_row.get_by_role("button", name="Acknowledge").click()
    acked = page.locator("#open-incidents td.c-acked")
    wait_until(lambda: acked.inner_text() != "no", message="the acknowledgement shown")
    assert page.inner_text("#open-incidents td.c-acked") == "yes by admin", page.inner_text(
        "#flash"
    )
    assert open_row.get_by_role("button", name="Acknowledge").count() == 0
    assert call(live_app, tokens, "GET", f"/api/incidents/{incident['id']}/")["acknowledged_at"]

    open_row.get_by_role("button", name="Timeline").click()
    page.wait_for_selector("#incident:not([hidden])")
    assert page.inner_text("#incident-title") == TITLE
    assert page.is_visible("#no-updates")
    labels = page.locator("#timeline .timeline-entry b").all_inner_texts()
    assert labels == ["acknowledged by admin", "started"]

    # An empty message: the API's 422 shows next to the field.
    page.fill("#u-message", "   ")
    page.click("#update-form button[type=submit]")
    page.wait_for_selector("[data-error-for=message]:not(:empty)")

    page.fill("#u-message", "Replacing the <b>disk</b>")
    page.select_option("#u-status", "identified")
    page.check("#u-public")
    page.click("#update-form button[type=submit]")
    page.wait_for_selector("#timeline .timeline-text:text('Replacing the <b>disk</b>')")
    first = page.locator("#timeline .timeline-entry").first
    assert first.locator("b").inner_text() == "identified"
    assert "public" in first.inner_text()
    assert page.locator("#timeline b:text-is('disk')").count() == 0
    assert page.is_hidden("#no-updates")

    saved = call(live_app, tokens, "GET", f"/api/incidents/{incident['id']}/")
    (update,) = saved["updates"]
    assert update["message"] == "Replacing the <b>disk</b>" and update["public"] is True
    assert update["status"] == "identified" and saved["public"] is True
    page.console.assert_clean([f"422 /api/incidents/{incident['id']}/updates/"])
