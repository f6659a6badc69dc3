"""Fixtures of the notification tests: real local peers, and the app in embedded or RQ mode."""

import pytest
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import NotificationDelivery, StatusChange
from tests.notify.peers import HttpPeer, SmtpPeer


@pytest.fixture
def smtp(app, tmp_path, monkeypatch):
    """A real SMTP server, and the app configured to send through it."""
    peer = SmtpPeer(tmp_path)
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", peer.port)
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    monkeypatch.setitem(app.config, "SMTP_FROM", "pulseguard@example.test")
    yield peer
    peer.close()


@pytest.fixture
def webhook(app, monkeypatch):
    """A webhook receiver, and the app's signing secret set."""
    peer = HttpPeer()
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "s3cret")
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_S", 5)
    yield peer
    peer.close()


@pytest.fixture
def twilio(app, monkeypatch):
    """A fake Twilio Messages API on loopback, and the app pointed at it."""
    peer = HttpPeer(default=(201, '{"sid": "SM123", "status": "queued"}'))
    monkeypatch.setitem(app.config, "TWILIO_API_BASE", peer.url)
    monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", "AC123")
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", "tok")
    monkeypatch.setitem(app.config, "TWILIO_FROM_NUMBER", "+15550001111")
    yield peer
    peer.close()


@pytest.fixture
def embedded(app, monkeypatch):
    """Run jobs as greenlets in this process (no REDIS_URL), with quick retries."""
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_DELAYS_S", (0.05, 0.05))
    return app


@pytest.fixture
def rq_mode(app, redis_url, monkeypatch):
    """Send jobs to RQ on the test Redis, with quick retries."""
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_DELAYS_S", (0.05, 0.05))
    return app


@pytest.fixture
def server(make_server):
    """Alice's server "web"."""
    return make_server(name="web")


@pytest.fixture
def change(app):
    """Record a StatusChange of a server and return its id (what the check engine commits)."""

    def make(server_id, old, new, message="HTTP 503"):
        with app.app_context():
            row = StatusChange(server_id=server_id, old_status=old, new_status=new, message=message)
            db.session.add(row)
            db.session.commit()
            return row.id

    return make


@pytest.fixture
def add_config(as_alice):
    """Attach a notification config to a server through the API and return its id."""

    def make(server_id, notification_type, recipient, **fields):
        body = {"server": server_id, "notification_type": notification_type, "recipient": recipient}
        response = as_alice.post("/api/notification-configs/", json=body | fields)
        assert response.status_code == 201, response.json
        return response.json["id"]

    return make


@pytest.fixture
def deliveries(app):
    """Return every finished attempt as (config_id, event, attempt, outcome, error), oldest first.

    An attempt is recorded as "sending" before it is sent; those in flight are left out.
    """

    def read():
        with app.app_context():
            rows = db.session.scalars(
                select(NotificationDelivery)
                .where(NotificationDelivery.outcome != "sending")
                .order_by(NotificationDelivery.id)
            )
            return [(r.config_id, r.event, r.attempt, r.outcome, r.error) for r in rows]

    return read
