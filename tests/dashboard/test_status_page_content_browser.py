"""What a public status page shows, in Chromium: times in the page's zone, the banner following
open incidents, and announcements made to the page alone."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.dashboard.conftest import create_admin, sign_in
from tests.dashboard.test_browser import add_server_via_api

pytestmark = pytest.mark.once


def post(app, tokens, url, body):
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    response = requests.post(f"{app.url}{url}", json=body, headers=headers, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()


def berlin_page(app, tokens, slug):
    """A published page in Europe/Berlin with one (paused) server; returns (page, server).
    Each test takes its own slug: the app (and its cached pages) outlives a test's data."""
    server = add_server_via_api(app, tokens, name="web", status="paused")
    body = {"slug": slug, "title": "Shop status", "published": True, "timezone": "Europe/Berlin",
            "groups": [{"name": "Site", "servers": [{"server": server["id"]}]}]}  # fmt: skip
    return post(app, tokens, "/api/status-pages/", body), server


def test_incident_times_read_in_the_pages_zone(live_app, page):
    tokens = create_admin(live_app)
    _status_page, server = berlin_page(live_app, tokens, "times")
    incident = post(live_app, tokens, "/api/incidents/",
                    {"title": "Slow checkout", "servers": [server["id"]]})  # fmt: skip
    page.goto(f"{live_app.url}/status/times")
    started = datetime.fromisoformat(incident["started_at"]).astimezone(ZoneInfo("Europe/Berlin"))
    shown = page.locator(".incident .when time").first
    assert shown.inner_text() == started.strftime("%Y-%m-%d %H:%M %Z")  # CET in December
    assert "UTC" not in page.inner_text("main")
    # What the script writes into the "Updated" line when it polls, on both sides of a DST change.
    said = page.evaluate(
        """async () => {
             const m = await import('/status-static/status.js');
             return ['2026-03-29T00:30:00+00:00', '2026-03-29T01:30:00+00:00'].map(m.localText);
           }"""
    )
    assert said == ["2026-03-29 01:30:00 CET", "2026-03-29 03:30:00 CEST"]
    page.console.assert_clean()


def test_a_manual_degraded_incident_turns_the_banner_degraded(live_app, page):
    tokens = create_admin(live_app)
    _status_page, server = berlin_page(live_app, tokens, "banner")
    page.goto(f"{live_app.url}/status/banner")
    assert page.inner_text("#overall") == "All systems operational"
    post(live_app, tokens, "/api/incidents/",
         {"title": "Slow checkout", "severity": "degraded", "servers": [server["id"]]})  # fmt: skip
    page.reload()
    assert page.inner_text("#overall") == "Some systems are degraded"
    assert page.get_attribute("#overall", "data-status") == "degraded"
    assert page.title() == "Shop status: Some systems are degraded"
    page.console.assert_clean()


def test_an_incident_announced_to_a_page_alone_shows_and_marks_its_bars(live_app, page):
    tokens = create_admin(live_app)
    status_page, _server = berlin_page(live_app, tokens, "notice")
    add_server_via_api(live_app, tokens, name="db", status="paused")  # not on the page
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/incidents")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#new-incident")
    page.fill("#i-title", "Card payments fail")
    page.fill("#i-message", "Our payment provider is down.")
    page.check(f"#i-pages input[value='{status_page['id']}']")  # and no server
    page.click("#incident-form button[type=submit]")
    page.wait_for_selector("#incident-editor", state="hidden")
    page.wait_for_selector("#open-incidents tbody tr")

    page.goto(f"{live_app.url}/status/notice")
    incident = page.locator(".incidents.active-incidents .incident")
    assert incident.locator("h3").inner_text() == "Card payments fail"
    assert "Our payment provider is down." in incident.inner_text()
    assert page.inner_text("#overall") == "Some systems are degraded"
    today = page.locator(".component .bar").last  # the page's one component, today
    assert "has-incident" in today.get_attribute("class")
    assert today.get_attribute("title").endswith(", 1 incident")
    page.console.assert_clean()
