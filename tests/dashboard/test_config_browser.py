"""The config page in headless Chromium: the export shown, switched to JSON, downloaded."""

import json

import pytest
import requests

from tests.dashboard.conftest import create_admin, sign_in

pytestmark = pytest.mark.once


def test_the_export_is_shown_and_downloaded(live_app, page):
    tokens = create_admin(live_app)
    body = {"name": "API (prod)", "protocol": "tcp", "host": "127.0.0.1", "port": 9, "tags": ["on"]}
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    assert requests.post(f"{live_app.url}/api/servers/", json=body, headers=headers).ok
    sign_in(page, live_app)
    page.click("a.nav-link:text('Config')")
    page.wait_for_url("**/config")
    page.wait_for_selector("body[data-ready=true]")
    text = page.inner_text("#document")
    assert text.startswith("%YAML 1.2") and 'key: "api-prod"' in text and '- "on"' in text
    assert page.inner_text("#revision") != "–"
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "pulseguard.yaml"
    assert (
        open(download.value.path()).read() == text + "\n"
        or 'key: "api-prod"' in open(download.value.path()).read()
    )
    page.select_option("#format", "json")
    page.wait_for_selector("#document:text('\"version\": 1')")
    with page.expect_download() as download:
        page.click("#download")
    saved = json.loads(open(download.value.path()).read())
    assert saved["servers"][0]["key"] == "api-prod"
    page.console.assert_clean()
