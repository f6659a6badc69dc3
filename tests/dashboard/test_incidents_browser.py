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


def check_now(app, tokens, server):
    call(app, tokens, "POST", "/api/checks/run/", {"server_ids": [server["id"]]})


def test_incidents_follow_the_checks_live_and_manual_ones_are_announced_and_resolved(
    live_app, page, target
):
    tokens = create_admin(live_app)
    server = add_server_via_api(
        live_app, tokens, name="flappy", port=target.port, check_interval=10, timeout=2
    )
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/incidents")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#live-state[data-state=live]")
    page.evaluate("window.notReloaded = true")
    assert page.is_visible("#no-open")

    # The server goes down: its incident appears without a reload, and moves on recovery.
    target.answer(500)
    check_now(live_app, tokens, server)
    page.wait_for_selector("#open-incidents td.c-name:text('flappy is down')", timeout=20000)
    target.answer(200)
    check_now(live_app, tokens, server)
    page.wait_for_selector("#recent-incidents td.c-name:text('flappy is down')", timeout=20000)
    assert page.is_visible("#no-open") and page.evaluate("window.notReloaded") is True

    # A manual incident: an empty title gets the API's 422 next to the field.
    page.click("#new-incident")
    page.click("#incident-form button[type=submit]")
    page.wait_for_selector("[data-error-for=title]:not(:empty)")
    page.fill("#i-title", TITLE)
    page.select_option("#i-severity", "down")
    page.check(f"#i-servers input[value='{server['id']}']")
    page.fill("#i-message", "Looking at the <b>disk</b>")
    page.click("#incident-form button[type=submit]")
    page.wait_for_selector("#incident-editor", state="hidden")
    page.wait_for_selector("#open-incidents tbody tr")
    row = page.locator("#open-incidents tbody tr")
    assert row.count() == 1 and row.locator("td").first.inner_text() == f"{TITLE} (manual)"
    assert page.locator("#open-incidents img, #timeline b:text-is('disk')").count() == 0
    page.wait_for_selector("#incident:not([hidden])")
    assert page.inner_text("#incident-title") == TITLE
    assert page.locator("#timeline .timeline-entry b").first.inner_text() == "investigating"
    (manual,) = call(live_app, tokens, "GET", "/api/incidents/?kind=manual")
    assert manual["severity"] == "down" and manual["servers"] == [server["id"]]
    assert manual["public"] is True

    # Only a manual incident has a Resolve button; resolving moves it to Recent.
    recent_auto = page.locator("#recent-incidents tr", has_text="flappy is down")
    assert recent_auto.get_by_role("button", name="Resolve").count() == 0
    row.get_by_role("button", name="Resolve").click()
    page.wait_for_selector("#no-open:not([hidden])")
    assert page.locator("#recent-incidents tbody tr").count() == 2
    assert call(live_app, tokens, "GET", f"/api/incidents/{manual['id']}/")["state"] == "resolved"
    labels = page.locator("#timeline .timeline-entry b").all_inner_texts()
    assert labels[0] == "resolved"
    page.console.assert_clean(["422 /api/incidents/"])
