"""The API keys page in headless Chromium: create with scopes and expiry, copy once, revoke."""

import re

import pytest
import requests

from tests.dashboard.conftest import create_admin, sign_in

pytestmark = pytest.mark.once

KEY = re.compile(r"^pgk_[A-Za-z0-9]{8}_[A-Za-z0-9]{40}$")


def servers_with(app, key):
    return requests.get(f"{app.url}/api/servers/", headers={"X-API-Key": key}, timeout=5)


def test_a_key_is_created_copied_once_used_and_revoked(live_app, page):
    create_admin(live_app)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.url)
    sign_in(page, live_app)
    page.click("a.nav-link:text('API keys')")
    page.wait_for_url("**/api-keys")
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_visible("#no-keys")

    # Without a scope the API's error shows next to the scopes.
    page.fill("#k-name", "ci")
    page.uncheck("input[name=scopes][value=read]")
    page.click("#key-form button[type=submit]")
    page.wait_for_selector("[data-error-for=scopes]:not(:empty)")

    page.check("input[name=scopes][value=write]")
    page.select_option("#k-expiry", "30")
    page.click("#key-form button[type=submit]")
    page.wait_for_selector("#new-key:not([hidden])")
    key = page.inner_text("#new-key-value")
    assert KEY.match(key)
    page.click("#copy-key")
    page.wait_for_selector("#copy-state:text('Copied.')")
    assert page.evaluate("navigator.clipboard.readText()") == key
    row = page.locator("#keys tbody tr", has=page.locator("td:text-is('ci')"))
    assert row.locator("td").nth(1).inner_text() == key[:12] + "_…"
    assert row.locator("td").nth(2).inner_text() == "write"
    assert row.locator("td").nth(5).inner_text() == "never"

    # Done forgets it: no copy is left on the page, nor after a reload.
    page.click("#done-key")
    assert page.is_hidden("#new-key") and page.inner_text("#new-key-value") == ""
    assert servers_with(live_app, key).status_code == 200
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert key[13:] not in page.content()
    assert "from 127.0.0.1" in row.locator("td").nth(5).inner_text()

    # Revoking asks first; then the key stops working at once.
    row.locator("button:text('Revoke')").click()
    page.click("#confirm-revoke button[value=cancel]")
    assert row.count() == 1
    row.locator("button:text('Revoke')").click()
    page.click("#confirm-revoke-button")
    page.wait_for_selector("#no-keys:not([hidden])")
    assert servers_with(live_app, key).status_code == 401
    page.check("#show-revoked")
    page.wait_for_selector("#keys .badge:text('revoked')")
    page.console.assert_clean(["422 /api/auth/api-keys/"])
