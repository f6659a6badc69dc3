"""An https server's certificate in the dashboard: its tls fields in the form, the page's card."""

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from tests.dashboard.conftest import create_admin, sign_in

pytestmark = pytest.mark.once


@pytest.fixture
def tls_target(tmp_path):
    """An HTTPS server (own process) whose certificate, from a throwaway CA, has 40 days left."""
    until = datetime.now(UTC) + timedelta(days=40, hours=1)
    cert = trustme.CA().issue_cert("127.0.0.1", not_after=until)
    pem = tmp_path / "server.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(pem))
    script = Path(__file__).with_name("tls_target.py")
    process = subprocess.Popen(
        [sys.executable, str(script), str(pem)], stdout=subprocess.PIPE, text=True
    )
    yield int(process.stdout.readline())
    process.terminate()
    process.wait(timeout=10)


def test_an_https_server_shows_its_certificate(live_app, page, tls_target):
    create_admin(live_app)
    sign_in(page, live_app)
    page.goto(f"{live_app.url}/servers/new")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#name", "shop")
    page.select_option("#protocol", "http")
    assert page.is_hidden("#tls-expiry_alert_days")  # https only
    page.select_option("#protocol", "https")
    page.fill("#host", "127.0.0.1")
    page.fill("#port", str(tls_target))
    page.click("summary:has-text('HTTP options')")
    page.uncheck("input[name=verify_tls]")
    page.fill("#tls-expiry_alert_days", "45, 45")
    page.click("#server-form button[type=submit]")
    page.wait_for_selector("[data-error-for='tls.expiry_alert_days']:not(:empty)")
    assert page.inner_text("[data-error-for='tls.expiry_alert_days']") == "Must be unique."
    page.fill("#tls-expiry_alert_days", "45, 3")
    page.fill("#tls-degraded_below_days", "10")
    page.click("#server-form button[type=submit]")
    page.wait_for_url(re.compile(r"/servers/\d+$"))
    page.wait_for_selector("body[data-ready=true]")

    page.wait_for_selector("#cert-card:not([hidden])", timeout=20000)
    assert page.text_content("#cert-days") == "40 days left"
    facts = page.inner_text("#cert-facts")
    assert "127.0.0.1" in facts
    assert "not checked (verify TLS is off)" in facts  # chain_valid is null without verification
    assert re.search(r"[0-9a-f]{64}", facts)

    page.click("#edit")
    page.wait_for_url(re.compile(r"/servers/\d+/edit$"))
    page.wait_for_selector("body[data-ready=true]")
    assert page.input_value("#tls-expiry_alert_days") == "45, 3"
    assert page.input_value("#tls-degraded_below_days") == "10"
    page.console.assert_clean(["422 /api/servers/"])
