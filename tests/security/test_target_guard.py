"""The guard against internal targets: refused when saved, and when connected (names, redirects)."""

import pytest
from gevent.pywsgi import WSGIServer

from pulseguard.checks.context import ProbeContext
from pulseguard.checks.guard import guard_of
from pulseguard.checks.probe import probe
from pulseguard.kinds import draft_target
from pulseguard.notify.transport import TransportError
from pulseguard.notify.webhook import WebhookTransport
from tests.notify.peers import HttpPeer
from tests.notify.test_transports import MESSAGE
from tests.targets import LocalServer

METADATA = "169.254.169.254"


def refusal(address, deny=None, allow=None):
    settings = {"TARGET_DENY_NETWORKS": deny, "TARGET_ALLOW_NETWORKS": allow}
    return guard_of({k: v for k, v in settings.items() if v is not None}).refusal(address)


def test_the_default_refuses_metadata_and_link_local_but_not_private_servers():
    for address in (METADATA, "169.254.170.2", "fe80::1", "0.0.0.0", "::", "100.100.100.200"):
        assert "TARGET_DENY_NETWORKS" in refusal(address), address
    assert METADATA in refusal("::ffff:169.254.169.254")  # IPv4-mapped is the same address
    for address in ("127.0.0.1", "::1", "10.1.2.3", "192.168.1.1", "8.8.8.8", "2001:db8::1"):
        assert refusal(address) is None, address


def test_settings_deny_more_and_allow_exceptions():
    assert refusal("127.0.0.1", deny="default,loopback,private")
    assert refusal("10.0.0.7", deny="default,private")
    assert (
        refusal("192.0.2.9", deny="192.0.2.0/24") and refusal(METADATA, deny="192.0.2.0/24") is None
    )
    assert refusal("169.254.10.5", allow="169.254.10.0/24") is None
    assert refusal(METADATA, allow="169.254.10.0/24")
    assert refusal(METADATA, deny="none") is None
    with pytest.raises(ValueError, match="TARGET_DENY_NETWORKS: 'intranet'"):
        refusal("1.2.3.4", deny="default,intranet")


def test_a_literal_internal_address_is_refused_when_saved(as_alice, make_server):
    for host in (METADATA, "fe80::1", "0.0.0.0"):
        response = as_alice.post(
            "/api/servers/", json={"name": "meta", "protocol": "http", "host": host}
        )
        assert response.status_code == 422
        assert "TARGET_DENY_NETWORKS" in response.json["errors"]["json"]["host"][0]
    server = make_server()
    for url in (f"http://{METADATA}/latest/meta-data/", "http://[::ffff:169.254.169.254]/"):
        response = as_alice.post(
            "/api/notification-configs/",
            json={"server": server["id"], "notification_type": "webhook", "recipient": url},
        )
        assert response.status_code == 422, url
        assert "TARGET_DENY_NETWORKS" in str(response.json["errors"]["json"]["recipient"])


@pytest.fixture
def deny_loopback(app, monkeypatch):
    monkeypatch.setitem(app.config, "TARGET_DENY_NETWORKS", "default,loopback")


@pytest.fixture
def web():
    server = LocalServer()
    yield server
    server.stop()


@pytest.mark.parametrize("protocol", ["http", "tcp"])
def test_a_check_of_a_name_that_resolves_to_a_denied_address_records_an_error(
    app, as_alice, make_server, deny_loopback, web, protocol
):
    server = make_server(name="sneaky", protocol=protocol, host="localhost", port=web.port)
    result = app.test_cli_runner().invoke(args=["run-checks", "--server-id", str(server["id"])])
    assert result.exit_code == 0, result.output
    [ping] = as_alice.get(f"/api/ping-results/?server_id={server['id']}").json
    assert ping["status"] == "error"
    assert "127.0.0.1 is in TARGET_DENY_NETWORKS" in ping["error_message"]
    assert sum(web.app.hits.values()) == 0  # nothing reached the target


def test_a_redirect_to_a_denied_address_is_not_followed(web):
    inside = WSGIServer(("127.0.0.2", 0), web.app, log=None, error_log=None)
    inside.start()

    def redirect(environ, start_response):
        start_response("302 Found", [("Location", f"http://127.0.0.2:{inside.server_port}/")])
        return [b""]

    outside = WSGIServer(("127.0.0.1", 0), redirect, log=None, error_log=None)
    outside.start()
    try:
        context = ProbeContext.of({"TARGET_DENY_NETWORKS": "127.0.0.2/32"})
        target = draft_target("http", id=1, host="127.0.0.1", port=outside.server_port)
        outcome = probe(target, context)
        assert outcome.status == "error"
        assert outcome.message.startswith("Blocked: 127.0.0.2 is in TARGET_DENY_NETWORKS")
        assert sum(web.app.hits.values()) == 0
        direct = draft_target("http", id=2, host="127.0.0.2", port=inside.server_port)
        assert probe(direct, ProbeContext.of({})).status == "success"  # allowed by default
    finally:
        outside.stop(timeout=1)
        inside.stop(timeout=1)


def test_a_webhook_to_a_denied_address_is_a_permanent_failure(app):
    receiver = HttpPeer()
    try:
        config = dict(app.config) | {"TARGET_DENY_NETWORKS": "loopback"}
        with pytest.raises(TransportError) as caught:
            WebhookTransport(config).send(receiver.url.replace("127.0.0.1", "localhost"), MESSAGE)
        assert caught.value.permanent
        assert "127.0.0.1 is in TARGET_DENY_NETWORKS" in caught.value.message
        assert receiver.requests == []
        WebhookTransport(app.config).send(receiver.url, MESSAGE)  # the default lets it through
        assert len(receiver.requests) == 1
    finally:
        receiver.close()
