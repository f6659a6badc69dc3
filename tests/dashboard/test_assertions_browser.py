"""Assertions in headless Chromium: rows in the server form, their errors, the Test button's trace,
and each assertion of the latest check on the server page."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dashboard.conftest import create_admin, sign_in

pytestmark = pytest.mark.once
JSON_TARGET = Path(__file__).parents[1] / "assertions" / "json_target.py"


@pytest.fixture
def json_target():
    """The JSON target of tests/assertions in its own process (the browser blocks this one)."""
    process = subprocess.Popen(
        [sys.executable, str(JSON_TARGET)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=JSON_TARGET.parents[2],
    )
    port = int(process.stdout.readline())
    yield port
    process.terminate()
    process.wait(timeout=10)


def add_assertion(page, kind, subject, operator, value=None):
    page.click("#assertions-editor .add-assertion")
    row = page.locator(".assertion-row").nth(page.locator(".assertion-row").count() - 1)
    row.locator(".a-type").select_option(kind)
    if subject is not None:
        row.locator(".a-subject").fill(subject)
    row.locator(".a-operator").select_option(operator)
    if value is not None:
        row.locator(".a-value").fill(value)
    return row


def test_assertions_are_edited_tested_and_shown_with_their_verdicts(live_app, page, json_target):
    create_admin(live_app)
    sign_in(page, live_app)
    page.click("text=Add server")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#name", "health")
    page.select_option("#protocol", "http")
    page.fill("#host", "127.0.0.1")
    page.fill("#port", str(json_target))
    page.fill("#path", "/health")
    add_assertion(page, "json", "db.ok", "==", "true")
    second = add_assertion(page, "json", "a[?b>", ">=", "3")
    add_assertion(page, "header", "X-Version", "exists")
    assert page.locator(".assertion-row").last.locator(".a-value").is_hidden()

    page.click("#server-form button[type=submit]")  # the API's error, next to its row
    slot = "[data-error-for='assertions.1.path']"
    page.wait_for_selector(f"{slot}:not(:empty)")
    assert page.inner_text(slot) == "Invalid JMESPath: Incomplete expression"

    second.locator(".a-subject").fill("db.replicas")
    page.click("#test-draft")  # try before saving: 2 replicas, not >= 3
    page.wait_for_selector("#trial li[data-step=assertion]")
    steps = page.locator("#trial li").evaluate_all("items => items.map(i => i.dataset.step)")
    assert steps == ["dns", "connect", "http", "assertion", "assertion", "assertion"]
    assert page.locator("#trial li.failed").count() == 1
    assert "json db.replicas >= 3: got 2" in page.inner_text("#trial")
    assert page.url.endswith("/servers/new")  # nothing saved

    page.locator(".assertion-row").nth(2).locator(".a-remove").click()
    second.locator(".a-value").fill("2")
    page.click("#server-form button[type=submit]")
    page.wait_for_url(re.compile(r"/servers/\d+$"))
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#verdicts-card:not([hidden]) .verdicts")  # checked at once
    rows = page.locator("#verdicts tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split("\t")[:3] == ["json db.ok ==", "true", "true"]
    assert rows.nth(1).inner_text().lower().endswith("passed")

    page.click("#test-server")
    page.wait_for_selector("#trial:not([hidden]) li[data-step=http]")
    assert page.locator("#trial li.failed").count() == 0
    assert "HTTP 200" in page.inner_text("#trial")

    page.click("#edit")
    page.wait_for_url(re.compile(r"/servers/\d+/edit$"))
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator(".assertion-row").count() == 2
    assert page.locator(".assertion-row .a-subject").nth(1).input_value() == "db.replicas"
    assert page.locator(".assertion-row .a-value").nth(0).input_value() == "true"
    page.console.assert_clean(["422 /api/servers/"])
