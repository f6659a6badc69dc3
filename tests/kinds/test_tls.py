"""The `tls` block of https servers (API-NEXT §1.6): defaults, edits and its 422s."""

import pytest


def https_server(api, **fields):
    body = {"name": "site", "protocol": "https", "host": "example.com"} | fields
    return api.post("/api/servers/", json=body)


def errors_of(response):
    assert response.status_code == 422, response.json
    return response.json["errors"]["json"]


def test_an_https_server_gets_the_default_thresholds(as_alice):
    response = https_server(as_alice)
    assert response.status_code == 201, response.json
    assert response.json["tls"] == {
        "expiry_alert_days": [30, 14, 7, 1],
        "degraded_below_days": None,
    }


def test_a_patch_of_one_tls_field_keeps_the_other(as_alice):
    server = https_server(as_alice, tls={"expiry_alert_days": [10]}).json
    url = f"/api/servers/{server['id']}/"
    response = as_alice.patch(url, json={"tls": {"degraded_below_days": 3}})
    assert response.status_code == 200, response.json
    assert response.json["tls"] == {"expiry_alert_days": [10], "degraded_below_days": 3}
    assert as_alice.get(url).json["tls"] == response.json["tls"]


RANGE = ["Must be greater than or equal to 1 and less than or equal to 365."]


@pytest.mark.parametrize(
    ("tls", "error"),
    [
        ({"expiry_alert_days": [0]}, {"expiry_alert_days": {"0": RANGE}}),
        ({"expiry_alert_days": [366]}, {"expiry_alert_days": {"0": RANGE}}),
        ({"expiry_alert_days": [7, 7]}, {"expiry_alert_days": ["Must be unique."]}),
        ({"expiry_alert_days": list(range(1, 12))}, {"expiry_alert_days": ["At most 10."]}),
        ({"degraded_below_days": 0}, {"degraded_below_days": RANGE}),
        ({"nope": 1}, {"nope": ["Unknown field."]}),
    ],
)  # fmt: skip
def test_bad_tls_settings_get_422(as_alice, tls, error):
    assert errors_of(https_server(as_alice, tls=tls)) == {"tls": error}


def test_the_tls_block_is_only_for_https(as_alice):
    response = https_server(as_alice, protocol="http", tls={"expiry_alert_days": [7]})
    assert errors_of(response) == {"tls": ["Not allowed for protocol 'http'."]}
    plain = https_server(as_alice, name="plain", protocol="http").json
    assert "tls" not in plain
