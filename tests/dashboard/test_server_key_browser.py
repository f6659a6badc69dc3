"""The server form's key: made from the name when left empty, chosen, refused when taken."""

import re

import pytest

from tests.dashboard.conftest import create_admin, sign_in

pytestmark = pytest.mark.once


def add(page, app, name, key=""):
    page.goto(f"{app.url}/servers/new")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#name", name)
    page.select_option("#protocol", "tcp")
    page.fill("#host", "127.0.0.1")
    page.fill("#port", "9")
    page.fill("#key", key)
    page.click("#server-form button[type=submit]")


def test_the_key_is_made_chosen_or_refused(live_app, page):
    create_admin(live_app)
    sign_in(page, live_app)
    add(page, live_app, "API (prod)")
    page.wait_for_url(re.compile(r"/servers/\d+$"))
    page.click("#edit")
    page.wait_for_selector("body[data-ready=true]")
    assert page.input_value("#key") == "api-prod"
    add(page, live_app, "Other", key="Bad Key")
    page.wait_for_selector("[data-error-for=key]:not(:empty)")
    page.fill("#key", "api-prod")
    page.click("#server-form button[type=submit]")
    page.wait_for_selector(".form-error:text('already used by another of your servers')")
    page.fill("#key", "other-1")
    page.click("#server-form button[type=submit]")
    page.wait_for_url(re.compile(r"/servers/\d+$"))
    page.console.assert_clean(["422 /api/servers/", "409 /api/servers/"])
