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


def test_a_file_is_planned_then_applied(live_app, page, tmp_path):
    tokens = create_admin(live_app)
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    body = {"name": "web", "protocol": "tcp", "host": "127.0.0.1", "port": 9}
    assert requests.post(f"{live_app.url}/api/servers/", json=body, headers=headers).ok
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nservers:\n  - {key: web, name: web, protocol: tcp}\n")
    good = tmp_path / "monitors.yaml"
    good.write_text(
        "version: 1\nservers:\n"
        "  - {key: web, name: web, protocol: tcp, host: 127.0.0.1, port: 9, check_interval: 30}\n"
        "  - {key: nightly, name: Nightly backup, protocol: push, push: {period: 3600}}\n"
    )
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/config")
    page.wait_for_selector("body[data-ready=true]")

    page.set_input_files("#file", str(bad))
    page.click("#plan")
    page.wait_for_selector("#import-errors li:has-text('servers[0].host')")
    assert page.is_disabled("#apply")

    page.set_input_files("#file", str(good))
    page.click("#plan")
    page.wait_for_selector("#plan-changes tr[data-key=nightly][data-action=create]")
    update = page.inner_text("#plan-changes tr[data-key=web]")
    assert "update" in update and "check_interval: 60 → 30" in update
    assert "Plan (nothing written yet)" in page.inner_text("#plan-summary")
    assert page.inner_text("#import-errors") == ""
    servers = requests.get(f"{live_app.url}/api/servers/", headers=headers).json()
    assert [s["check_interval"] for s in servers] == [60]  # the dry run wrote nothing

    page.click("#apply")
    page.wait_for_selector("#plan-summary:has-text('Applied')")
    page.wait_for_selector("#document:has-text('nightly')")  # the export shown again
    servers = requests.get(f"{live_app.url}/api/servers/", headers=headers).json()
    assert {s["key"]: s["check_interval"] for s in servers}["web"] == 30
    assert {s["key"] for s in servers} == {"web", "nightly"}
    assert page.is_disabled("#apply")
    page.console.assert_clean(allowed=("422 /api/config/apply",))


def test_a_plan_shows_configs_windows_and_pages(live_app, page, tmp_path):
    tokens = create_admin(live_app)
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    monitors = tmp_path / "monitors.yaml"
    monitors.write_text(
        "version: 1\nservers:\n"
        "  - {key: web, name: web, protocol: tcp, host: 127.0.0.1, port: 9, tags: [prod]}\n"
        "notification_configs:\n"
        "  - {key: everyone, notification_type: webhook, recipient: 'https://hooks.example.com/x',"
        " tags: [prod]}\n"
        "maintenance_windows:\n"
        "  - {key: sunday, name: Sunday patching, tags: [prod], schedule: {type: cron,"
        " expression: '0 3 * * 0', timezone: Europe/Berlin, duration: 3600}}\n"
        "status_pages:\n"
        "  - {slug: acme-status, title: Acme, published: true,"
        " groups: [{name: Web, servers: [web]}]}\n"
    )
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/config")
    page.wait_for_selector("body[data-ready=true]")
    page.set_input_files("#file", str(monitors))
    page.click("#plan")
    for key in ("web", "everyone", "sunday", "acme-status"):
        page.wait_for_selector(f"#plan-changes tr[data-key='{key}'][data-action=create]")
    kinds = page.inner_text("#plan-changes")
    assert "maintenance_window\tsunday" in kinds and "status_page\tacme-status" in kinds, kinds
    summary = page.inner_text("#plan-summary")
    assert "status_pages: 1 to create" in summary and "maintenance_windows: 1 to create" in summary
    assert requests.get(f"{live_app.url}/api/maintenance-windows/", headers=headers).json() == []

    page.click("#apply")
    page.wait_for_selector("#plan-summary:has-text('Applied')")
    page.wait_for_selector("#document:has-text('acme-status')")
    text = page.inner_text("#document")
    assert 'key: "sunday"' in text and 'key: "everyone"' in text
    windows = requests.get(f"{live_app.url}/api/maintenance-windows/", headers=headers).json()
    assert [w["key"] for w in windows] == ["sunday"]
    pages = requests.get(f"{live_app.url}/api/status-pages/", headers=headers).json()
    assert [p["slug"] for p in pages] == ["acme-status"]
    page.console.assert_clean()
