"""The server form's kind blocks in headless Chromium: each kind's own fields, errors and edits."""

import re

import pytest

from tests.dashboard.conftest import create_admin, sign_in

pytestmark = pytest.mark.once


def open_new_server_form(page, live_app):
    create_admin(live_app)
    sign_in(page, live_app)
    page.click("text=Add server")
    page.wait_for_url("**/servers/new")
    page.wait_for_selector("body[data-ready=true]")


def test_a_dns_server_is_added_with_its_own_fields_and_errors(live_app, page):
    open_new_server_form(page, live_app)
    page.fill("#name", "resolver")
    page.select_option("#protocol", "dns")
    assert page.is_hidden("#path") and page.is_visible("#dns-record_type")
    page.fill("#host", "www.example.test")
    page.fill("#dns-expected", "not-an-ip")
    page.fill("#dns-resolvers", "dns.google")
    page.click("#server-form button[type=submit]")
    page.wait_for_selector("[data-error-for='dns.expected']:not(:empty)")
    assert page.inner_text("[data-error-for='dns.expected']") == "Not an IPv4 address."
    assert "IP address" in page.inner_text("[data-error-for='dns.resolvers']")
    page.select_option("#dns-record_type", "MX")
    page.fill("#dns-expected", "10 MX.example.test.")
    page.fill("#dns-resolvers", "127.0.0.1:5353")
    page.select_option("#dns-match", "all")
    page.click("#server-form button[type=submit]")
    page.wait_for_url(re.compile(r"/servers/\d+$"))
    page.wait_for_selector("body[data-ready=true]")
    target = "dns://127.0.0.1:5353/www.example.test?type=MX"
    page.wait_for_selector(f"#server-target:has-text('{target}')")

    page.click("#edit")
    page.wait_for_url(re.compile(r"/servers/\d+/edit$"))
    page.wait_for_selector("body[data-ready=true]")
    assert page.input_value("#protocol") == "dns" and page.is_visible("#dns-expected")
    assert page.input_value("#dns-expected") == "10 mx.example.test"  # stored canonical
    assert page.input_value("#dns-match") == "all"
    page.console.assert_clean(["422 /api/servers/"])


def test_an_icmp_server_is_added_with_its_own_fields_and_errors(live_app, page):
    open_new_server_form(page, live_app)
    page.fill("#name", "router")
    page.select_option("#protocol", "icmp")
    assert page.is_hidden("#path") and page.is_visible("#icmp-count")
    page.fill("#host", "127.0.0.1")
    page.fill("#icmp-down_loss_pct", "50")
    page.fill("#icmp-degraded_loss_pct", "60")
    page.click("#server-form button[type=submit]")
    page.wait_for_selector("[data-error-for='icmp.degraded_loss_pct']:not(:empty)")
    assert page.inner_text("[data-error-for='icmp.degraded_loss_pct']") == (
        "Must be below down_loss_pct."
    )
    page.fill("#icmp-degraded_loss_pct", "20")
    page.fill("#icmp-count", "2")
    page.click("#server-form button[type=submit]")
    page.wait_for_url(re.compile(r"/servers/\d+$"))
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#server-target:has-text('icmp://127.0.0.1')")

    page.click("#edit")
    page.wait_for_url(re.compile(r"/servers/\d+/edit$"))
    page.wait_for_selector("body[data-ready=true]")
    assert page.input_value("#protocol") == "icmp"
    assert page.input_value("#icmp-count") == "2"
    assert page.input_value("#icmp-degraded_loss_pct") == "20"
    page.console.assert_clean(["422 /api/servers/"])
