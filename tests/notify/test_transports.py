"""Each transport against a real local peer: what arrives, and which errors are permanent."""

import base64
import email
import email.policy
import hashlib
import hmac
import socket
from datetime import UTC, datetime

import pytest
import trustme
from gevent.event import Event

from pulseguard.notify.email import EmailTransport
from pulseguard.notify.message import Notice as Facts
from pulseguard.notify.message import render
from pulseguard.notify.sms import SmsTransport
from pulseguard.notify.transport import TransportError
from pulseguard.notify.webhook import WebhookTransport
from tests.notify.peers import HttpPeer, SmtpPeer

FACTS = Facts(
    kind="failure",
    server_id=7,
    server_name="shop <prod>",
    target="https://shop.example.com/health",
    old_status="up",
    new_status="down",
    detail="HTTP 503",
    at=datetime(2026, 11, 27, 6, 0, 0, tzinfo=UTC),
    status_change_id=42,
)
MESSAGE = render(FACTS, "https://pulse.example.com/")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_email_arrives_with_text_and_html_parts(app, smtp):
    EmailTransport(app.config).send("ops@example.test", MESSAGE)
    [received] = smtp.messages()
    assert received["to"] == ["ops@example.test"] and received["from"] == "pulseguard@example.test"
    mail = email.message_from_string(received["data"], policy=email.policy.default)
    assert mail["Subject"] == "[PulseGuard] DOWN: shop <prod>"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "HTTP 503" in text and "https://pulse.example.com/servers/7" in text
    assert "shop &lt;prod&gt;" in html and 'href="https://pulse.example.com/servers/7"' in html


def test_email_logs_in_when_credentials_are_set(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_USERNAME", "pulse")
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "secret")
    EmailTransport(app.config).send("ops@example.test", MESSAGE)
    assert [m["login"] for m in smtp.messages()] == ["pulse"]


def test_a_refused_login_is_permanent(app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_USERNAME", "pulse")
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "wrong")
    with pytest.raises(TransportError) as caught:
        EmailTransport(app.config).send("ops@example.test", MESSAGE)
    assert caught.value.permanent and "535" in caught.value.message
    assert smtp.messages() == []


def test_a_rejected_address_is_permanent(app, smtp):
    with pytest.raises(TransportError) as caught:
        EmailTransport(app.config).send("reject@example.test", MESSAGE)
    assert caught.value.permanent and "550" in caught.value.message


def test_an_smtp_4xx_is_worth_retrying(app, smtp):
    with pytest.raises(TransportError) as caught:
        EmailTransport(app.config).send("flaky@example.test", MESSAGE)
    assert not caught.value.permanent and "451" in caught.value.message
    EmailTransport(app.config).send("flaky@example.test", MESSAGE)
    assert len(smtp.messages()) == 1


def test_an_unreachable_smtp_server_is_worth_retrying(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    with pytest.raises(TransportError) as caught:
        EmailTransport(app.config).send("ops@example.test", MESSAGE)
    assert not caught.value.permanent


def test_the_webhook_posts_the_documented_payload_with_a_valid_signature(app, webhook):
    WebhookTransport(app.config).send(webhook.url + "/hook", MESSAGE)
    [request] = webhook.requests
    expected = hmac.new(b"s3cret", request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["x-pulseguard-signature"] == f"sha256={expected}"
    assert request["headers"]["x-pulseguard-event"] == "failure"
    assert request["content_type"] == "application/json"
    assert webhook.json() == {
        "event": "failure",
        "server": {
            "id": 7,
            "key": None,
            "name": "shop <prod>",
            "protocol": None,
            "target": "https://shop.example.com/health",
        },
        "status": "down",
        "previous_status": "up",
        "old_status": "up",
        "new_status": "down",
        "message": "HTTP 503",
        "incident": None,
        "lasted_seconds": None,
        "timestamp": "2026-11-27T06:00:00Z",
        "time": "2026-11-27T06:00:00Z",
        "status_change_id": 42,
        "url": "https://pulse.example.com/servers/7",
    }


def test_the_webhook_is_unsigned_without_a_secret(app, webhook, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", None)
    WebhookTransport(app.config).send(webhook.url, MESSAGE)
    assert "x-pulseguard-signature" not in webhook.requests[0]["headers"]


@pytest.mark.parametrize(
    "status, permanent", [(500, False), (503, False), (429, False), (410, True), (400, True)]
)
def test_webhook_errors_say_whether_to_retry(app, webhook, status, permanent):
    webhook.default = (status, '{"error": "nope"}')
    with pytest.raises(TransportError) as caught:
        WebhookTransport(app.config).send(webhook.url, MESSAGE)
    assert caught.value.permanent is permanent and f"HTTP {status}" in caught.value.message


def test_the_webhook_follows_a_redirect_on_the_same_host(app, webhook):
    webhook.answers = [(307, "")]
    webhook.headers = {"Location": "/moved"}
    WebhookTransport(app.config).send(webhook.url + "/old", MESSAGE)
    assert [r["path"] for r in webhook.requests] == ["/old", "/moved"]
    assert webhook.json()["event"] == "failure"


def test_the_webhook_refuses_a_redirect_to_another_host(app, webhook):
    elsewhere = HttpPeer()
    try:
        webhook.default = (302, "")
        webhook.headers = {"Location": elsewhere.url.replace("127.0.0.1", "localhost") + "/x"}
        with pytest.raises(TransportError) as caught:
            WebhookTransport(app.config).send(webhook.url, MESSAGE)
        assert caught.value.permanent and "another host" in caught.value.message
        assert elsewhere.requests == []
    finally:
        elsewhere.close()


def test_a_hanging_webhook_times_out_and_is_worth_retrying(app, webhook, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_S", 0.2)
    webhook.hold = Event()
    with pytest.raises(TransportError) as caught:
        WebhookTransport(app.config).send(webhook.url, MESSAGE)
    assert not caught.value.permanent and "timed out" in caught.value.message


def test_sms_goes_to_the_twilio_messages_api(app, twilio):
    SmsTransport(app.config).send("+15557654321", MESSAGE)
    [request] = twilio.requests
    assert request["method"] == "POST"
    assert request["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request["headers"]["authorization"] == "Basic " + base64.b64encode(b"AC123:tok").decode()
    form = twilio.form()
    assert form["To"] == "+15557654321" and form["From"] == "+15550001111"
    assert "DOWN: shop <prod>" in form["Body"] and "HTTP 503" in form["Body"]


def test_a_number_twilio_rejects_is_permanent(app, twilio):
    twilio.default = (400, '{"code": 21211, "message": "Invalid To Phone Number"}')
    with pytest.raises(TransportError) as caught:
        SmsTransport(app.config).send("+15557654321", MESSAGE)
    assert caught.value.permanent and "21211 Invalid To Phone Number" in caught.value.message


def test_a_twilio_outage_is_worth_retrying(app, twilio):
    twilio.default = (503, "Service Unavailable")
    with pytest.raises(TransportError) as caught:
        SmsTransport(app.config).send("+15557654321", MESSAGE)
    assert not caught.value.permanent


def test_sms_without_credentials_is_a_permanent_error(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", None)
    with pytest.raises(TransportError) as caught:
        SmsTransport(app.config).send("+15557654321", MESSAGE)
    assert caught.value.permanent and "TWILIO_ACCOUNT_SID" in caught.value.message


@pytest.fixture
def certificates(tmp_path):
    """A private CA, and a certificate for 127.0.0.1 signed by it (files)."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    files = {name: str(tmp_path / f"{name}.pem") for name in ("ca", "cert", "key")}
    ca.cert_pem.write_to_path(files["ca"])
    cert.cert_chain_pems[0].write_to_path(files["cert"])
    cert.private_key_pem.write_to_path(files["key"])
    return files


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_goes_over_tls_verified_with_the_configured_ca(
    app, tmp_path, certificates, monkeypatch, security
):
    peer = SmtpPeer(tmp_path, tls=(security, certificates["cert"], certificates["key"]))
    try:
        for key, value in {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": peer.port,
            "SMTP_SECURITY": security,
            "SMTP_CA_FILE": certificates["ca"],
        }.items():
            monkeypatch.setitem(app.config, key, value)
        EmailTransport(app.config).send("ops@example.test", MESSAGE)
        assert [m["to"] for m in peer.messages()] == [["ops@example.test"]]
        monkeypatch.setitem(app.config, "SMTP_CA_FILE", None)  # the system CAs do not know it
        with pytest.raises(TransportError) as caught:
            EmailTransport(app.config).send("ops@example.test", MESSAGE)
        assert "CERTIFICATE_VERIFY_FAILED" in caught.value.message
        assert len(peer.messages()) == 1
    finally:
        peer.close()
