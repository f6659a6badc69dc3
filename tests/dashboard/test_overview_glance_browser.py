"""The overview at a glance in headless Chromium: servers in maintenance (a count, a filter and a
badge on their rows) and open incidents (a count linking to /incidents), kept live by the
stream's maintenance and incident events."""

import pytest
import requests

from tests.dashboard.conftest import create_admin, sign_in
from tests.dashboard.test_browser import add_server_via_api

pytestmark = pytest.mark.once


def call(app, tokens, method, url, body=None):
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    response = requests.request(method, f"{app.url}{url}", json=body, headers=headers, timeout=5)
    assert response.ok, response.text
    return response.json() if response.content else None


def count_is(page, name, text):
    page.wait_for_function(
        "([name, text]) => document.querySelector(`[data-count='${name}']`).textContent === text",
        arg=[name, text],
    )


def row_of(page, name):
    return page.locator("#servers tbody tr", has=page.locator("td.c-name a", has_text=name))


def test_the_overview_shows_maintenance_and_open_incidents_live(live_app, page):
    tokens = create_admin(live_app)
    db = add_server_via_api(live_app, tokens, name="db-1", status="paused")
    add_server_via_api(live_app, tokens, name="web-1", status="paused")
    body = {"name": "upgrade", "schedule": {"type": "manual"}, "servers": [db["id"]]}
    window = call(live_app, tokens, "POST", "/api/maintenance-windows/", body)

    sign_in(page, live_app)
    count_is(page, "maintenance", "0")
    count_is(page, "open_incidents", "0")
    page.wait_for_selector("#live-state[data-state=live]")
    assert page.locator("#servers .badge-in-window").count() == 0
    page.wait_for_function("() => document.querySelectorAll('#servers tbody tr').length === 2")

    # A window started elsewhere: the count and db-1's badge follow, with no reload.
    call(live_app, tokens, "POST", f"/api/maintenance-windows/{window['id']}/start/")
    count_is(page, "maintenance", "1")
    page.wait_for_selector("#servers tr[data-maintenance=true] .badge-in-window")
    assert row_of(page, "db-1").locator(".badge-in-window").text_content() == "maintenance"
    assert row_of(page, "web-1").locator(".badge-in-window").count() == 0

    # An incident announced elsewhere: the open count follows.
    incident = call(
        live_app, tokens, "POST", "/api/incidents/", {"title": "Disk full", "servers": []}
    )
    count_is(page, "open_incidents", "1")

    # The maintenance count is a filter.
    page.click("#f-maintenance")
    page.wait_for_function("() => document.querySelectorAll('#servers tbody tr').length === 1")
    assert page.get_attribute("#f-maintenance", "aria-pressed") == "true"
    assert "maintenance=true" in page.url
    assert row_of(page, "db-1").count() == 1
    page.click("#f-maintenance")
    page.wait_for_function("() => document.querySelectorAll('#servers tbody tr').length === 2")

    # The window stops and the incident is resolved elsewhere: both counts go back to 0.
    call(live_app, tokens, "POST", f"/api/maintenance-windows/{window['id']}/stop/")
    count_is(page, "maintenance", "0")
    page.wait_for_function("() => !document.querySelector('#servers .badge-in-window')")
    call(live_app, tokens, "POST", f"/api/incidents/{incident['id']}/resolve/")
    count_is(page, "open_incidents", "0")


def test_an_active_server_in_a_skip_window_shows_maintenance_not_paused(live_app, page):
    """As REST's server-status says: `maintenance`, with the measured status; a push job's ping
    inside the window is stored and its row follows live."""
    tokens = create_admin(live_app)
    push = {"name": "job-1", "protocol": "push", "push": {}}
    job = call(live_app, tokens, "POST", "/api/servers/", push)
    body = {"name": "freeze", "schedule": {"type": "manual"}, "servers": [job["id"]]}
    window = call(live_app, tokens, "POST", "/api/maintenance-windows/", body | {"checks": "skip"})
    call(live_app, tokens, "POST", f"/api/maintenance-windows/{window['id']}/start/")

    sign_in(page, live_app)
    page.wait_for_selector("#live-state[data-state=live]")
    row = row_of(page, "job-1")
    page.wait_for_selector("#servers tr[data-status=maintenance]")
    assert row.get_attribute("data-maintenance") == "true"
    assert row.locator(".badge-in-window").text_content() == "maintenance"
    assert row.locator(".c-status .badge").first.text_content() == "unknown"  # measured
    assert row.locator(".badge-paused").count() == 0

    token = job["push"]["token"]
    assert requests.get(f"{live_app.url}/api/push/{token}", timeout=5).json()["status"] == "up"
    page.wait_for_selector("#servers tr[data-status=maintenance] .c-status .badge-up")
    assert row.get_attribute("data-status") == "maintenance"
    call(live_app, tokens, "POST", f"/api/maintenance-windows/{window['id']}/stop/")
    page.wait_for_selector("#servers tr[data-status=up][data-maintenance=false]")
    page.console.assert_clean()

    page.click("#open-incidents")
    page.wait_for_url("**/incidents")
    page.console.assert_clean()
