"""Status pages in Chromium: the editor (groups, up/down order, preview) and the public page."""

import pytest
import requests

from tests.dashboard.conftest import create_admin, sign_in
from tests.dashboard.test_browser import add_server_via_api

pytestmark = pytest.mark.once


def api_get(app, tokens, url):
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    return requests.get(f"{app.url}{url}", headers=headers, timeout=5).json()


def test_the_editor_builds_orders_previews_and_publishes_a_page(live_app, page):
    tokens = create_admin(live_app)
    add_server_via_api(live_app, tokens, name="api-1", status="paused")
    add_server_via_api(live_app, tokens, name="db-1", status="paused")
    sign_in(page, live_app)
    page.click("text=Status pages")
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_visible("#pages-empty")
    page.fill("#title", "Acme status")
    page.fill("#slug", "Bad Slug")
    page.click("#new-page button[type=submit]")
    page.wait_for_selector("[data-error-for=slug]:not(:empty)")
    page.fill("#slug", "acme")
    page.click("#new-page button[type=submit]")
    page.wait_for_url("**/status-pages/*")
    page.wait_for_selector("body[data-ready=true]")

    page.fill("#new-group", "Core")
    page.click("#add-group")
    group = page.locator("fieldset.group-edit").first
    group.get_by_role("button", name="Add the chosen server to Core").click()
    group.get_by_role("button", name="Add the chosen server to Core").click()
    assert group.locator(".server-name").all_inner_texts() == ["api-1", "db-1"]
    group.get_by_role("button", name="Move db-1 up").click()
    assert group.locator(".server-name").all_inner_texts() == ["db-1", "api-1"]
    group.get_by_label("Display name of db-1").fill("Database")
    page.check("#f-published")
    page.fill("#f-timezone", "Mars/Olympus")
    page.click("#page-form button[type=submit]")
    page.wait_for_selector("[data-error-for=timezone]:not(:empty)")
    page.fill("#f-timezone", "Europe/Berlin")
    page.click("#page-form button[type=submit]")
    page.wait_for_selector("#public-link:not([hidden])")

    (saved,) = api_get(live_app, tokens, "/api/status-pages/")
    names = {s["id"]: s["name"] for s in api_get(live_app, tokens, "/api/servers/")}
    servers = saved["groups"][0]["servers"]
    assert [names[s["server"]] for s in servers] == ["db-1", "api-1"]
    assert servers[0]["display_name"] == "Database" and saved["timezone"] == "Europe/Berlin"

    page.click("#preview")
    page.wait_for_selector("#preview-box:not([hidden])")
    assert "Database" in page.inner_text("#preview-groups")
    page.click("#public-link")
    page.wait_for_url("**/status/acme")
    assert page.inner_text("h1") == "Acme status"
    assert page.locator(".component .name").all_inner_texts()[0].startswith("Database")
    assert page.locator(".component").first.locator(".bar").count() == 90
    page.console.assert_clean(["422 /api/status-pages/"])


def test_the_public_page_works_without_javascript_in_light_dark_and_phone(live_app, browser):
    tokens = create_admin(live_app)
    server = add_server_via_api(live_app, tokens, name="web", status="paused")
    body = {"slug": "shop", "title": "Shop status", "published": True,
            "groups": [{"name": "Site", "servers": [{"server": server["id"]}]}]}  # fmt: skip
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    created = requests.post(
        f"{live_app.url}/api/status-pages/", json=body, headers=headers, timeout=5
    )
    assert created.status_code == 201
    for options in (
        {"java_script_enabled": False, "color_scheme": "light"},
        {"color_scheme": "dark"},
        {"viewport": {"width": 375, "height": 700}, "is_mobile": True},
    ):
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(f"{live_app.url}/status/shop")
        assert page.inner_text("#overall") == "All systems operational"
        assert page.locator("main").count() == 1 and page.locator("footer").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"]  # nothing overflows, even on a phone
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        expected = (
            "rgb(13, 17, 23)" if options.get("color_scheme") == "dark" else "rgb(255, 255, 255)"
        )
        assert background == expected
        context.close()
