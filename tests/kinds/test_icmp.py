"""icmp servers through the API: the `icmp` object, its defaults, the 422s of API-NEXT §1.4."""

import time

import pytest

from pulseguard.checks.icmp import mode
from pulseguard.jobs.checks import run_check_batch
from pulseguard.jobs.engine import get_engine


def icmp_server(api, **fields):
    body = {"name": "router", "protocol": "icmp", "host": "127.0.0.1"} | fields
    return api.post("/api/servers/", json=body)


def errors_of(response):
    assert response.status_code == 422, response.json
    return response.json["errors"]["json"]


def test_an_icmp_server_gets_the_defaults_of_its_icmp_object(as_alice):
    response = icmp_server(as_alice)
    assert response.status_code == 201, response.json
    assert response.json["port"] is None
    assert response.json["icmp"] == {
        "count": 3,
        "interval": 0.5,
        "payload_size": 56,
        "family": "auto",
        "down_loss_pct": 100,
        "degraded_loss_pct": None,
    }


RANGE_1_20 = ["Must be greater than or equal to 1 and less than or equal to 20."]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"icmp": {"count": 0}}, {"icmp": {"count": RANGE_1_20}}),
        ({"icmp": {"count": 21}}, {"icmp": {"count": RANGE_1_20}}),
        ({"icmp": {"interval": 0.1}}, {"icmp": {"interval": [
            "Must be greater than or equal to 0.2 and less than or equal to 5."]}}),
        ({"icmp": {"degraded_loss_pct": 60, "down_loss_pct": 50}},
         {"icmp": {"degraded_loss_pct": ["Must be below down_loss_pct."]}}),
        ({"port": 7}, {"port": ["Not allowed for protocol 'icmp'."]}),
        ({"check_interval": 10, "timeout": 2, "icmp": {"count": 3, "interval": 5}},
         {"icmp": {"count": ["3 pings × 5 s do not fit a 10 s interval"]}}),
    ],
)  # fmt: skip
def test_bad_icmp_settings_get_422(as_alice, fields, errors):
    assert errors_of(icmp_server(as_alice, **fields)) == errors


def test_the_icmp_block_is_only_for_icmp(as_alice):
    body = {"name": "w", "protocol": "http", "host": "127.0.0.1", "icmp": {"count": 2}}
    response = as_alice.post("/api/servers/", json=body)
    assert errors_of(response) == {"icmp": ["Not allowed for protocol 'http'."]}


def test_a_denied_address_is_refused_when_saved(app, as_alice):
    response = icmp_server(as_alice, host="169.254.169.254")
    assert "TARGET_DENY_NETWORKS" in errors_of(response)["host"][0]


@pytest.mark.skipif(mode("auto") is None, reason="SKIPPED LOUDLY: this process cannot send ICMP")
def test_an_icmp_server_is_checked_and_its_result_carries_the_rtts(app, as_alice, as_bob):
    server = icmp_server(as_alice, icmp={"count": 2, "interval": 0.2}, timeout=1).json
    with app.app_context():
        run_check_batch([[server["id"], time.time()]])
    assert get_engine(app).drain(10)
    [result] = as_alice.get(f"/api/ping-results/?server_id={server['id']}").json
    assert result["status"] == "success" and result["kind"] == "check"
    assert result["details"]["sent"] == 2 and result["details"]["received"] == 2
    assert result["response_time"] == result["details"]["avg_ms"]
    assert as_alice.get(f"/api/server-status/{server['id']}/").json["status"] == "up"
    assert as_bob.get(f"/api/ping-results/?server_id={server['id']}").json == []


def test_readyz_says_whether_this_process_can_send_icmp(client):
    body = client.get("/readyz").json
    assert body["icmp"]["icmp"] is (mode("auto") is not None)
