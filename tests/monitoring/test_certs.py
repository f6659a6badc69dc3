"""cert_expiring: once per threshold per certificate, cleared on renewal, recorded and published.

Real HTTPS servers from a self-made CA (trustme), checked with verify_tls off (the certificate is
read off the check's own handshake all the same), through the check engine and the API.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
import trustme

from pulseguard import bus
from pulseguard.extensions import db
from pulseguard.jobs.checks import run_check_batch
from pulseguard.jobs.engine import get_engine
from pulseguard.models import CertEvent
from pulseguard.notify import cert_expiring
from tests.targets import Certificates, LocalServer


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return Certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def serve(ca):
    """serve(days) -> a running HTTPS server whose new certificate expires in `days` days."""
    servers = []

    def start(days: float) -> LocalServer:
        until = datetime.now(UTC) + timedelta(days=days, hours=1)
        server = LocalServer(ca.server_context(ca.ca.issue_cert("127.0.0.1", not_after=until)))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def heard(monkeypatch):
    """What reaches the bus (cert_expiring notices only) and the notification hook."""
    seen: dict = {"notices": [], "hooked": []}

    def publish(events):
        seen["notices"] += [e for e in events if e["type"] == "cert_expiring"]

    monkeypatch.setattr(bus, "publish", publish)
    monkeypatch.setattr(cert_expiring, "enqueue_for_cert_events", seen["hooked"].extend)
    return seen


def check(app, server_id):
    with app.app_context():
        run_check_batch([[server_id, time.time()]])
    assert get_engine(app).drain(10)


def https_server(api, port, **fields):
    body = {"name": "site", "protocol": "https", "host": "127.0.0.1", "port": port}
    response = api.post("/api/servers/", json=body | {"verify_tls": False} | fields)
    assert response.status_code == 201, response.json
    return response.json


def events(app, server_id):
    with app.app_context():
        rows = db.session.query(CertEvent).filter_by(server_id=server_id).order_by(CertEvent.id)
        found = [(e.threshold_days, e.days_remaining, e.fingerprint_sha256) for e in rows]
        db.session.remove()
    return found


def status_of(api, server_id):
    return api.get(f"/api/server-status/{server_id}/").json


def test_the_status_shows_the_certificate_read_by_the_check(app, as_alice, serve, heard):
    target = serve(40)
    server = https_server(as_alice, target.port)
    assert status_of(as_alice, server["id"])["cert"] is None  # not checked yet
    check(app, server["id"])
    cert = status_of(as_alice, server["id"])["cert"]
    assert cert["days_remaining"] == 40
    assert cert["sans"] == ["127.0.0.1"]
    assert cert["hostname_valid"] is True and cert["chain_valid"] is None
    assert set(cert) == {
        "subject", "issuer", "sans", "not_before", "not_after", "days_remaining",
        "fingerprint_sha256", "chain_valid", "hostname_valid", "checked_at",
    }  # fmt: skip
    assert events(app, server["id"]) == []  # 40 days: no default threshold crossed
    assert heard["notices"] == [] and heard["hooked"] == []


def test_five_days_left_sends_only_the_smallest_threshold_and_only_once(
    app, as_alice, alice, serve, heard
):
    server = https_server(as_alice, serve(5).port)
    check(app, server["id"])
    check(app, server["id"])
    fingerprint = status_of(as_alice, server["id"])["cert"]["fingerprint_sha256"]
    assert events(app, server["id"]) == [(7, 5, fingerprint)]
    [notice] = heard["notices"]
    assert notice["owner_id"] == alice.id
    assert notice["data"]["threshold_days"] == 7 and notice["data"]["days_remaining"] == 5
    assert notice["data"]["server"] == server["id"]
    assert heard["hooked"] == [notice["data"]["id"]]
    assert status_of(as_alice, server["id"])["status"] == "up"  # an alert, not an outage


def test_a_renewed_certificate_clears_the_thresholds_sent(app, as_alice, serve, heard):
    server = https_server(as_alice, serve(5).port)
    check(app, server["id"])
    as_alice.patch(f"/api/servers/{server['id']}/", json={"port": serve(40).port})
    check(app, server["id"])  # renewed: 40 days, nothing to say
    as_alice.patch(f"/api/servers/{server['id']}/", json={"port": serve(5).port})
    check(app, server["id"])  # another certificate with 5 days left: sent again
    found = events(app, server["id"])
    assert [(t, d) for t, d, _ in found] == [(7, 5), (7, 5)]
    assert found[0][2] != found[1][2]
    assert len(heard["notices"]) == 2


def test_thresholds_and_the_degraded_limit_are_configurable(app, as_alice, serve, heard):
    tls = {"expiry_alert_days": [45, 3], "degraded_below_days": 41}
    server = https_server(as_alice, serve(40).port, tls=tls)
    assert server["tls"] == tls
    check(app, server["id"])
    assert [(t, d) for t, d, _ in events(app, server["id"])] == [(45, 40)]
    status = status_of(as_alice, server["id"])
    assert status["status"] == "degraded"
    assert status["message"] == "Certificate expires in 40 days"


def test_an_empty_list_turns_the_alerts_off(app, as_alice, serve, heard):
    server = https_server(as_alice, serve(5).port, tls={"expiry_alert_days": []})
    check(app, server["id"])
    assert events(app, server["id"]) == [] and heard["notices"] == []
    assert status_of(as_alice, server["id"])["cert"]["days_remaining"] == 5


def test_bob_never_sees_alices_certificate(app, as_alice, as_bob, serve, heard):
    server = https_server(as_alice, serve(5).port)
    check(app, server["id"])
    assert as_bob.get(f"/api/server-status/{server['id']}/").status_code == 404
    assert as_bob.get("/api/server-status/").json == []


def test_a_server_that_stops_being_https_loses_its_certificate(app, as_alice, serve, web_port):
    server = https_server(as_alice, serve(40).port)
    check(app, server["id"])
    assert status_of(as_alice, server["id"])["cert"] is not None
    as_alice.patch(f"/api/servers/{server['id']}/", json={"protocol": "http", "port": web_port})
    check(app, server["id"])
    assert status_of(as_alice, server["id"])["cert"] is None


@pytest.fixture
def web_port():
    server = LocalServer()
    yield server.port
    server.stop()


def test_a_verified_check_of_an_untrusted_ca_records_the_certificate_of_a_separate_handshake(
    app, as_alice, heard
):
    other = trustme.CA().issue_cert("127.0.0.1")
    context = Certificates.server_context(None, other)
    target = LocalServer(context)
    try:
        server = https_server(as_alice, target.port, verify_tls=True)
        check(app, server["id"])
    finally:
        target.stop()
    status = status_of(as_alice, server["id"])
    assert status["status"] == "down"  # §1.6: read by a second handshake, verifying nothing
    assert status["cert"]["sans"] == ["127.0.0.1"] and status["cert"]["chain_valid"] is False
