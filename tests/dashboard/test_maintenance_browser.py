"""The maintenance page in headless Chromium: list, plan with a live preview, start/stop, edit,
delete, and a window started elsewhere shown live."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.dashboard.conftest import create_admin, sign_in, wait_until
from tests.dashboard.test_browser import add_server_via_api

pytestmark = pytest.mark.once

NAME = "<img src=x onerror=alert(1)> patch"
BERLIN = ZoneInfo("Europe/Berlin")


def call(app, tokens, method, url, body=None, ok=True):
    headers = {"Authorization": f"Bearer {tokens['access']}"}
    response = requests.request(method, f"{app.url}{url}", json=body, headers=headers, timeout=5)
    if ok:
        assert response.ok, response.text
    return response


def row_of(page, name):
    return page.locator("#windows tbody tr", has=page.locator("td.c-name b", has_text=name))


def summary_is(page, text):
    page.wait_for_function(
        "text => document.querySelector('#schedule-summary').textContent === text", arg=text
    )


def test_manual_windows_are_listed_started_and_stopped_from_the_page(live_app, page):
    tokens = create_admin(live_app)
    server = add_server_via_api(live_app, tokens, name="db-1", status="paused")
    body = {"name": NAME, "schedule": {"type": "manual"}, "servers": [server["id"]]}
    window = call(live_app, tokens, "POST", "/api/maintenance-windows/", body).json()

    sign_in(page, live_app)
    page.click("a.nav-link:text('Maintenance')")
    page.wait_for_url("**/maintenance")
    page.wait_for_selector("body[data-ready=true]")
    row = row_of(page, NAME)
    assert row.count() == 1
    # The name is text, not markup: no <img> was made of it.
    assert page.locator("#windows img").count() == 0
    assert (
        row.locator("td.c-summary").inner_text() == "Manual: in force only between Start and Stop."
    )
    assert row.locator("td.c-servers").inner_text() == "db-1"
    assert row.locator("td.c-state").text_content() == "manual"

    row.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_selector("#windows tr[data-state=active]")
    assert row.locator("td.c-next").inner_text() == "now, until stopped"
    url = f"/api/maintenance-windows/{window['id']}/"
    assert call(live_app, tokens, "GET", url).json()["state"] == "active"
    wait_until(
        lambda: call(live_app, tokens, "GET", f"/api/servers/{server['id']}/maintenance/").json()[
            "active"
        ],
        message="the server covered",
    )

    row.get_by_role("button", name="Stop").click()
    page.wait_for_selector("#windows tr[data-state=scheduled]")
    assert row.locator("td.c-state").text_content() == "manual"
    assert call(live_app, tokens, "GET", url).json()["state"] == "scheduled"
    page.console.assert_clean()


def test_a_window_is_planned_with_its_schedule_in_words_edited_and_deleted(live_app, page):
    tokens = create_admin(live_app)
    db = add_server_via_api(live_app, tokens, name="db-1", status="paused", tags=["db"])
    add_server_via_api(live_app, tokens, name="web-1", status="paused")
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/maintenance")
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_visible("#no-windows")

    page.click("#new-window")
    # The default is a one-off window an hour from now.
    page.wait_for_function(
        "() => document.querySelector('#schedule-summary').textContent.startsWith('Once, from')"
    )
    assert page.locator("#schedule-next li").count() == 1

    page.select_option("#w-type", "cron")
    assert page.is_hidden("#w-start") and page.is_visible("#w-expression")
    page.fill("#w-timezone", "Europe/Berlin")
    page.fill("#w-duration", "120")
    # The classic mistake reads as what it is: days 1-7 OR every Wednesday.
    page.fill("#w-expression", "0 19 1-7 * 3")
    summary_is(
        page,
        "At 19:00, on days 1 to 7 of the month and on Wednesdays (Europe/Berlin), for 2 h.",
    )
    page.fill("#w-expression", "0 19 * * 3#1")
    summary_is(page, "At 19:00, on the first Wednesday of the month (Europe/Berlin), for 2 h.")
    shown = page.locator("#schedule-next li").all_inner_texts()
    assert len(shown) == 5 and all("19:00" in s and "(Europe/Berlin)" in s for s in shown)

    # A bad schedule: the API's 422 next to its field, while the focus stays where one types.
    page.fill("#w-expression", "61 * * * *")
    page.wait_for_selector("[data-error-for='schedule.expression']:text('Bad minute.')")
    assert page.evaluate("document.activeElement.id") == "w-expression"
    assert page.locator("#schedule-next li").count() == 0
    page.fill("#w-timezone", "Mars/Olympus")
    page.wait_for_selector(
        "[data-error-for='schedule.timezone']:text('Not a valid IANA time zone.')"
    )
    page.fill("#w-timezone", "Europe/Berlin")
    page.fill("#w-expression", "0 19 * * 3#1")
    summary_is(page, "At 19:00, on the first Wednesday of the month (Europe/Berlin), for 2 h.")
    assert page.inner_text("[data-error-for='schedule.expression']") == ""

    # No target: the 422 shows next to the servers.
    page.fill("#w-name", "Monthly patching")
    page.click("#save-window")
    page.wait_for_selector("[data-error-for=servers]:text('Select servers, tags or status pages.')")

    page.check(f"#w-servers input[value='{db['id']}']")
    page.fill("#w-tags", "web, edge")
    page.select_option("#w-checks", "skip")
    page.select_option("#w-uptime", "count_as_up")
    page.check("input[name=notify_start_end]")
    page.click("#save-window")
    page.wait_for_selector("#window-editor", state="hidden")
    row = row_of(page, "Monthly patching")
    assert row.locator("td.c-state").text_content() == "upcoming"
    assert row.locator("td.c-servers").inner_text() == "db-1, tagged web, edge (any)"
    assert row.locator("td.c-next li").count() == 3
    (saved,) = call(live_app, tokens, "GET", "/api/maintenance-windows/").json()
    assert saved["schedule"] == {
        "type": "cron",
        "expression": "0 19 * * 3#1",
        "timezone": "Europe/Berlin",
        "duration": 7200,
        "starts_on": None,
        "ends_on": None,
    }
    assert saved["servers"] == [db["id"]] and saved["tags"] == ["web", "edge"]
    assert (saved["checks"], saved["uptime"], saved["notify_start_end"]) == (
        "skip",
        "count_as_up",
        True,
    )
    first = datetime.fromisoformat(saved["next"]["start"]).astimezone(BERLIN)
    assert first.weekday() == 2 and first.day <= 7 and first.hour == 19

    # Edit: the form comes back filled; the schedule becomes an RRULE.
    row.get_by_role("button", name="Edit").click()
    assert page.input_value("#w-name") == "Monthly patching"
    assert page.input_value("#w-expression") == "0 19 * * 3#1"
    assert page.input_value("#w-duration") == "120"
    assert page.is_checked(f"#w-servers input[value='{db['id']}']")
    page.select_option("#w-type", "rrule")
    page.fill("#w-rrule", "FREQ=WEEKLY;BYDAY=SU")
    page.fill("#w-dtstart", "2026-03-29T02:30")
    summary_is(
        page,
        "Every week on Sunday at 02:30 (Europe/Berlin), for 2 h, starting 2026-03-29 02:30.",
    )
    page.fill("#w-name", "Sunday patching")
    page.click("#save-window")
    page.wait_for_selector("#window-editor", state="hidden")
    row = row_of(page, "Sunday patching")
    row.wait_for()
    edited = call(live_app, tokens, "GET", f"/api/maintenance-windows/{saved['id']}/").json()
    assert edited["name"] == "Sunday patching" and edited["schedule"]["type"] == "rrule"
    assert edited["summary"].startswith("Every week on Sunday at 02:30")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Delete").click()
    page.wait_for_selector("#no-windows:not([hidden])")
    gone = call(live_app, tokens, "GET", f"/api/maintenance-windows/{saved['id']}/", ok=False)
    assert gone.status_code == 404
    page.console.assert_clean(["422 /api/maintenance-windows/"])


def test_a_window_started_elsewhere_shows_as_active_without_a_reload(live_app, page):
    tokens = create_admin(live_app)
    server = add_server_via_api(live_app, tokens, name="db-1", status="paused")
    body = {"name": "hotfix", "schedule": {"type": "manual"}, "servers": [server["id"]]}
    window = call(live_app, tokens, "POST", "/api/maintenance-windows/", body).json()
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/maintenance")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#live-state[data-state=live]")
    assert row_of(page, "hotfix").locator("td.c-state").text_content() == "manual"

    call(live_app, tokens, "POST", f"/api/maintenance-windows/{window['id']}/start/", {})
    page.wait_for_selector("#windows tr[data-state=active]")  # the stream's maintenance event
    call(live_app, tokens, "POST", f"/api/maintenance-windows/{window['id']}/stop/")
    page.wait_for_selector("#windows tr[data-state=scheduled]")
    page.console.assert_clean()


def test_a_window_is_announced_on_a_status_page_chosen_in_the_form(live_app, page):
    tokens = create_admin(live_app)
    server = add_server_via_api(live_app, tokens, name="api-1", status="paused")
    body = {"slug": "announce", "title": "Announce status", "published": True,
            "groups": [{"name": "API", "servers": [{"server": server["id"]}]}]}  # fmt: skip
    status_page = call(live_app, tokens, "POST", "/api/status-pages/", body).json()
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/maintenance")
    page.wait_for_selector("body[data-ready=true]")

    page.click("#new-window")
    page.fill("#w-name", "Page-wide upgrade")
    page.select_option("#w-type", "manual")
    # A window that targets nothing but a status page is an announcement (API-NEXT §2).
    page.check(f"#w-pages input[value='{status_page['id']}']")
    page.click("#save-window")
    page.wait_for_selector("#window-editor", state="hidden")
    saved = [
        w
        for w in call(live_app, tokens, "GET", "/api/maintenance-windows/").json()
        if w["name"] == "Page-wide upgrade"
    ]
    assert [w["status_pages"] for w in saved] == [[status_page["id"]]]

    # Editing shows the page still chosen; unchecking it saves an empty list.
    row_of(page, "Page-wide upgrade").get_by_role("button", name="Edit").click()
    box = page.locator(f"#w-pages input[value='{status_page['id']}']")
    assert box.is_checked()
    page.check(f"#w-servers input[value='{server['id']}']")
    box.uncheck()
    page.click("#save-window")
    page.wait_for_selector("#window-editor", state="hidden")
    url = f"/api/maintenance-windows/{saved[0]['id']}/"
    assert call(live_app, tokens, "GET", url).json()["status_pages"] == []
    page.console.assert_clean()
