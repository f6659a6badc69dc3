"""A push server in the dashboard: its form, its ping URL, copy button and examples, live pings."""

import re

import pytest
import requests

from tests.dashboard.conftest import create_admin, sign_in

pytestmark = pytest.mark.once


def test_a_push_server_is_added_shows_its_ping_url_and_follows_pings(live_app, page):
    create_admin(live_app)
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/servers/new")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#name", "nightly backup")
    page.select_option("#protocol", "push")
    assert not page.is_visible("#host") and not page.is_visible("#check_interval")
    page.fill("#push-cron", "0 0 31 2 *")
    page.click("#server-form button[type=submit]")
    page.wait_for_selector("[data-error-for='push.cron']:not(:empty)")
    assert page.inner_text("[data-error-for='push.cron']") == "Never fires."
    page.fill("#push-cron", "*/5 * * * *")
    page.fill("#push-timezone", "Europe/Kiev")
    page.click("#server-form button[type=submit]")
    page.wait_for_url(re.compile(r"/servers/\d+$"))
    page.wait_for_selector("body[data-ready=true]")

    url = page.inner_text("#push-url")
    assert re.fullmatch(re.escape(live_app.url) + r"/api/push/[A-Za-z0-9]{24}", url)
    assert "cron */5 * * * * (Europe/Kyiv)" in page.inner_text("#push-schedule")
    assert f"{url}/start" in page.inner_text("#push-curl")
    assert page.inner_text("#push-crontab").startswith("*/5 * * * * ")
    assert url in page.inner_text("#push-crontab")
    assert not page.is_visible("#check-now")

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#copy-push-url")
    page.wait_for_selector("#copy-done:text('Copied.')")
    assert page.evaluate("navigator.clipboard.readText()") == url

    assert requests.get(f"{url}/start", timeout=5).status_code == 200
    assert requests.post(url, data="all 42 files saved", timeout=5).json()["status"] == "up"
    page.wait_for_selector("#s-status:text-is('up')", timeout=20000)
    page.wait_for_selector("#results tr:has-text('success')")
    page.wait_for_selector("#results tr:has-text('start')")

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#rotate-push-token")
    page.wait_for_selector("#copy-done:text('New URL: update your jobs.')")
    fresh = page.inner_text("#push-url")
    assert fresh != url
    assert requests.get(url, timeout=5).status_code == 404
    assert requests.get(fresh, timeout=5).status_code == 200
    page.console.assert_clean(["422 /api/servers/"])
