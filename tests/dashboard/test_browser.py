"""The dashboard in headless Chromium against the real app under gunicorn."""

import re

import pytest
import requests

from tests.dashboard.conftest import (
    PASSWORD,
    LiveApp,
    api_login,
    create_admin,
    sign_in,
    wait_until,
)

pytestmark = pytest.mark.once


def row(page, name):
    return page.locator("#servers tbody tr", has=page.locator(f"a:text-is('{name}')"))


def add_server_via_api(app, tokens, **fields):
    body = {"name": "web", "protocol": "http", "host": "127.0.0.1", "port": 9} | fields
    response = requests.post(
        f"{app.url}/api/servers/",
        json=body,
        headers={"Authorization": f"Bearer {tokens['access']}"},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_the_first_visit_creates_the_admin_then_login_and_logout_work(live_app, page):
    page.goto(live_app.url + "/")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.fill("#password2", "something else")
    page.click("#setup-form button[type=submit]")
    assert page.inner_text("[data-error-for=password2]") == "The passwords differ."
    page.fill("#password2", PASSWORD)
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("#whoami") == "admin (admin)"
    assert "No servers yet" in page.inner_text("#empty")
    # The first user became the admin; the setup page is gone for good.
    page.click("#logout")
    page.wait_for_url("**/login")
    assert page.evaluate("localStorage.getItem('pulseguard.tokens')") is None
    page.goto(live_app.url + "/")
    page.wait_for_url("**/login?next=%2F")
    page.fill("#username", "admin")
    page.fill("#password", "wrong password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector(".form-error:text('No active account')")
    sign_in(page, live_app)
    assert page.inner_text("#whoami") == "admin (admin)"
    # The 401 of the wrong password is the only failed request.
    page.console.assert_clean(["401 /api/auth/token/"])


def test_the_logout_revokes_the_tokens(live_app, page):
    create_admin(live_app)
    sign_in(page, live_app)
    tokens = page.evaluate("JSON.parse(localStorage.getItem('pulseguard.tokens'))")
    page.click("#logout")
    page.wait_for_url("**/login")
    response = requests.post(
        f"{live_app.url}/api/auth/token/refresh/", json={"refresh": tokens["refresh"]}, timeout=5
    )
    assert response.status_code == 401
    page.console.assert_clean()


def test_an_expired_access_token_is_refreshed(live_app, page):
    tokens = create_admin(live_app)
    stale = dict(tokens, access="e30.eyJleHAiOjF9.x")  # a token that expired in 1970
    page.goto(live_app.url + "/login")
    page.evaluate("t => localStorage.setItem('pulseguard.tokens', JSON.stringify(t))", stale)
    page.goto(live_app.url + "/")
    page.wait_for_selector("body[data-ready=true]")
    fresh = page.evaluate("JSON.parse(localStorage.getItem('pulseguard.tokens'))")
    assert fresh["access"] != stale["access"] and fresh["refresh"] == tokens["refresh"]
    page.console.assert_clean()


def test_the_overview_filters_counts_and_paginates_on_the_server(live_app, page):
    tokens = create_admin(live_app)
    for i in range(55):
        tags = ["prod"] if i % 5 == 0 else ["lab"]
        add_server_via_api(live_app, tokens, name=f"node-{i:02d}", tags=tags, status="paused")
    add_server_via_api(live_app, tokens, name="edge", tags=["prod"])
    sign_in(page, live_app)
    assert page.inner_text("[data-count=total]") == "56"
    assert page.inner_text("[data-count=paused]") == "55"
    assert page.locator("#servers tbody tr").count() == 50
    assert "1–50 of 56" in page.inner_text("#page-info")
    page.click("#next")
    page.wait_for_selector("#page-info:text('51–56 of 56')")
    page.fill("#f-q", "node-1")
    page.wait_for_selector("#page-info:text('1–10 of 10')")
    page.wait_for_selector("[data-count=total]:text-is('10')")
    page.fill("#f-q", "")
    page.select_option("#f-tag", "prod")
    page.wait_for_selector("#page-info:text('1–12 of 12')")
    page.click("#counts [data-status=paused]")
    page.wait_for_selector("#page-info:text('1–11 of 11')")
    assert row(page, "edge").count() == 0
    assert row(page, "node-05").locator(".badge").inner_text().lower() == "paused"
    # The filters live in the address, so a reload keeps them.
    assert "tag=prod" in page.url and "status=paused" in page.url
    page.reload()
    page.wait_for_selector("#page-info:text('1–11 of 11')")
    assert page.input_value("#f-status") == "paused" and page.input_value("#f-tag") == "prod"
    page.console.assert_clean()


def test_forms_show_the_apis_errors_then_edit_pause_and_delete(live_app, page, target):
    create_admin(live_app)
    sign_in(page, live_app)
    page.click("text=Add server")
    page.wait_for_url("**/servers/new")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#name", "target")
    page.select_option("#protocol", "http")
    page.fill("#host", "http://127.0.0.1")
    page.fill("#port", "70000")
    page.fill("#tags", "local, test")
    page.click("#server-form button[type=submit]")
    page.wait_for_selector("[data-error-for=host]:not(:empty)")
    assert "hostname or IP" in page.inner_text("[data-error-for=host]")
    assert "65535" in page.inner_text("[data-error-for=port]")
    assert page.get_attribute("#port", "aria-invalid") == "true"
    page.fill("#host", "127.0.0.1")
    page.fill("#port", str(target.port))
    page.click("#server-form button[type=submit]")
    page.wait_for_url(re.compile(r"/servers/\d+$"))
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("#server-name") == "target"
    assert f"http://127.0.0.1:{target.port}/" in page.inner_text("#server-target")

    # Notification configs, with the recipient checked per channel.
    page.select_option("#nf-type", "sms")
    page.fill("#nf-recipient", "not a number")
    page.click("#nf-submit")
    page.wait_for_selector("[data-error-for=recipient]:not(:empty)")
    page.fill("#nf-recipient", "+15551234567")
    page.click("#nf-submit")
    page.wait_for_selector("#notifications li:has-text('+15551234567')")

    page.click("#edit")
    page.wait_for_url(re.compile(r"/servers/\d+/edit$"))
    page.wait_for_selector("body[data-ready=true]")
    assert page.input_value("#tags") == "local, test"
    page.fill("#name", "renamed target")
    page.click("#server-form button[type=submit]")
    page.wait_for_selector("#server-name:text('renamed target')")

    page.click("#toggle-pause")
    page.wait_for_selector("#toggle-pause:text('Resume')")
    assert page.inner_text("#s-status").lower() == "paused"
    page.click("#toggle-pause")
    page.wait_for_selector("#toggle-pause:text('Pause')")

    page.click("#delete")
    page.click("#confirm-delete button[value=cancel]")
    assert re.search(r"/servers/\d+$", page.url)
    page.click("#delete")
    page.click("#confirm-delete-button")
    page.wait_for_url(live_app.url + "/")
    page.wait_for_selector("body[data-ready=true]")
    assert row(page, "renamed target").count() == 0
    assert page.inner_text("[data-count=total]") == "0"
    page.console.assert_clean(["422 /api/servers/", "422 /api/notification-configs/"])


def test_the_overview_is_usable_on_a_phone(live_app, browser):
    tokens = create_admin(live_app)
    add_server_via_api(live_app, tokens, name="a-rather-long-server-name-for-a-phone", tags=["x"])
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, live_app)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page scrolls sideways ({width}px)"
        assert page.is_visible("text=a-rather-long-server-name-for-a-phone")
        # Keyboard: the skip link comes first, then the page can be walked with Tab.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
    finally:
        context.close()


def test_a_long_unbroken_server_name_wraps_inside_the_viewport(live_app, browser):
    tokens = create_admin(live_app)
    name = "n" * 200
    add_server_via_api(live_app, tokens, name=name)
    context = browser.new_context(viewport={"width": 1024, "height": 740})
    page = context.new_page()
    try:
        sign_in(page, live_app)
        page.wait_for_selector(f"a:text-is('{name}')")
        table = page.evaluate("document.querySelector('#servers').getBoundingClientRect().right")
        assert table <= 1024, f"the overview table is {table}px wide"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    finally:
        context.close()


def test_a_server_turns_up_then_down_live_without_reloading(live_app, page, target):
    tokens = create_admin(live_app)
    sign_in(page, live_app)
    page.wait_for_selector("#live-state[data-state=live]")
    page.evaluate("window.notReloaded = true")
    server = add_server_via_api(
        live_app, tokens, name="flappy", port=target.port, check_interval=10, timeout=2
    )
    # A server added elsewhere shows up, then turns up, without a reload.
    page.wait_for_selector("#servers tr[data-status=up] a:text-is('flappy')", timeout=20000)
    wait_until(lambda: page.inner_text("[data-count=up]") == "1", message="up count")
    # A keyboard user on the row keeps their place while it changes.
    page.focus("#servers a:text-is('flappy')")
    target.answer(500)
    # Check it now rather than waiting for the interval: the admin's button does that.
    requests.post(
        f"{live_app.url}/api/checks/run/",
        json={"server_ids": [server["id"]]},
        headers={"Authorization": f"Bearer {api_login(live_app)['access']}"},
        timeout=5,
    )
    page.wait_for_selector("#servers tr[data-status=down] a:text-is('flappy')", timeout=20000)
    wait_until(lambda: page.inner_text("[data-count=down]") == "1", message="down count")
    assert "HTTP 500" in row(page, "flappy").inner_text()
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.activeElement.textContent") == "flappy"
    page.console.assert_clean()


def test_the_server_page_follows_checks_live(live_app, page, target):
    tokens = create_admin(live_app)
    server = add_server_via_api(live_app, tokens, name="watched", port=target.port, timeout=2)
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/servers/{server['id']}")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#s-status:text-is('up')", timeout=20000)
    target.answer(503)
    page.click("#check-now")
    page.wait_for_selector("#s-status:text-is('down')", timeout=20000)
    page.wait_for_selector("#results tr:has-text('HTTP 503')")
    page.wait_for_selector("#history li:has-text('down')", timeout=10000)
    page.console.assert_clean()


def test_the_overview_says_when_the_stream_is_reconnecting(tmp_path, page):
    app = LiveApp(tmp_path)
    try:
        create_admin(app)
        sign_in(page, app)
        page.wait_for_selector("#live-state[data-state=live]:text-is('Live')")
        page.evaluate("window.notReloaded = true")
        app.stop()
        page.wait_for_selector("#live-state[data-state=reconnecting]:text-is('Reconnecting…')")
        app.start()
        page.wait_for_selector("#live-state[data-state=live]", timeout=20000)
        assert page.evaluate("window.notReloaded") is True
        # Only the network failed while the server was away (the cut stream, refused retries).
        network = "Failed to load resource: net::ERR_"
        assert [e for e in page.console.errors if not e.startswith(network)] == []
    finally:
        app.stop()


def test_channels_are_explained_checked_tested_and_logged(live_app, page, target):
    tokens = create_admin(live_app)
    server = add_server_via_api(live_app, tokens, name="noisy", port=9)
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/servers/{server['id']}")
    page.wait_for_selector("body[data-ready=true]")

    # Each type says where its recipient comes from, and a bad one is refused next to the field.
    page.select_option("#nf-type", "slack")
    assert "Incoming Webhooks" in page.inner_text("#nf-help")
    page.fill("#nf-recipient", "https://hooks.slack.com/nope")
    page.click("#nf-submit")
    page.wait_for_selector("[data-error-for=recipient]:not(:empty)")
    assert "Slack" in page.inner_text("[data-error-for=recipient]")

    # A draft is tested before it is saved: the provider's own answer is shown.
    page.select_option("#nf-type", "apprise")
    page.fill("#nf-recipient", f"json://127.0.0.1:{target.port}/hook")
    page.click("#nf-test")
    page.wait_for_selector("#nf-test-result:has-text('Sent in')")
    target.answer(500)
    page.click("#nf-test")
    page.wait_for_selector("#nf-test-result:has-text('error=500')")

    # Saved, it is tested from its row, and its delivery log shows the attempt.
    page.click("#nf-submit")
    page.wait_for_selector("#notifications li:has-text('json://')")
    page.click("#notifications li .test-saved")
    page.wait_for_selector("#nf-test-result:has-text('Not sent')")
    page.click("#notifications li .show-log")
    page.wait_for_selector("#notifications .delivery-log td:has-text('error=500')")

    # Channels for every server: PagerDuty asks for its API key, which is never shown again.
    page.click("a.nav-link:text('Channels')")
    page.wait_for_url("**/channels")
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#nf-type", "pagerduty")
    assert page.is_visible("#nf-api-key") and not page.is_visible("#nf-secret")
    page.fill("#nf-recipient", "R0UT1NGKEY0123456789abcdef012345")
    page.click("#nf-submit")
    page.wait_for_selector("[data-error-for='options.api_key']:not(:empty)")
    page.fill("#nf-api-key", "u+apikey1234")
    page.fill("#nf-tags", "prod")
    page.click("#nf-submit")
    page.wait_for_selector("#notifications li:has-text('servers tagged prod')")
    assert "apikey1234" not in page.content() and "R0UT1NGKEY" not in page.content()
    page.console.assert_clean(["422 /api/notification-configs/"])
