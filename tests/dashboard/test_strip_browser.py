"""The overview's strip of the last 30 results in Chromium: loaded with the rows, then fed live."""

import pytest
import requests

from tests.dashboard.conftest import api_login, create_admin, sign_in, wait_until
from tests.dashboard.test_browser import add_server_via_api, row

pytestmark = pytest.mark.once


def marks(page, name, kind="r"):
    return row(page, name).locator(f".strip .{kind}").count()


def test_the_strip_fills_live_and_marks_failures(live_app, page, target):
    tokens = create_admin(live_app)
    server = add_server_via_api(live_app, tokens, name="striped", port=target.port, timeout=2)
    sign_in(page, live_app)
    page.wait_for_selector("#live-state[data-state=live]")
    page.evaluate("window.notReloaded = true")
    page.wait_for_selector("#servers tr[data-status=up] a:text-is('striped')", timeout=20000)
    wait_until(lambda: marks(page, "striped") >= 1, timeout=20, message="a first mark")
    before = marks(page, "striped")
    target.answer(500)
    access = api_login(live_app)["access"]
    requests.post(
        f"{live_app.url}/api/checks/run/",
        json={"server_ids": [server["id"]]},
        headers={"Authorization": f"Bearer {access}"},
        timeout=5,
    )
    wait_until(lambda: marks(page, "striped", "r-bad") >= 1, timeout=20, message="a failed mark")
    assert marks(page, "striped") > before
    label = row(page, "striped").locator(".strip").get_attribute("aria-label")
    assert label.startswith("Last ") and "failed" in label
    assert page.evaluate("window.notReloaded") is True
    shown = marks(page, "striped")
    page.reload()  # the same strip comes with the rows from /api/overview/
    page.wait_for_selector("body[data-ready=true]")
    wait_until(lambda: marks(page, "striped") >= shown, message="the strip after a reload")
    assert marks(page, "striped", "r-bad") >= 1
    page.console.assert_clean()
