"""Hostile input (issue 18): each reproduction answers a clear 4xx in the error shape, not a 500."""

import json

import pytest

DEEP = "[" * 1000 + "]" * 1000


def raw(api, method, url, text, **kwargs):
    """Send a body exactly as written (json= would re-encode it)."""
    headers = {"Content-Type": "application/json"}
    return api.request(method, url, data=text, headers=headers, **kwargs)


def assert_error(response, code):
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True))
    assert response.is_json and response.json["code"] == code
    assert "Traceback" not in response.get_data(as_text=True)


def test_deep_nesting_is_400_even_without_a_token(client):
    body = '{"token":' + DEEP + "}"
    assert_error(raw(client, "POST", "/api/auth/token/verify/", body), 400)


def test_deep_nesting_is_400_for_a_signed_in_user(as_alice):
    body = '{"name":"x","protocol":"tcp","host":"127.0.0.1","port":1,"tags":' + DEEP + "}"
    response = raw(as_alice, "POST", "/api/servers/", body)
    assert_error(response, 400)
    assert "deep" in response.json["message"]


def test_moderate_nesting_still_reaches_validation(as_alice):
    body = '{"name":"x","protocol":"tcp","host":"127.0.0.1","port":1,"tags":[[["a"]]]}'
    response = raw(as_alice, "POST", "/api/servers/", body)
    assert_error(response, 422)
    assert "tags" in response.json["errors"]["json"]


@pytest.mark.parametrize("bad", ["\\ud800", "\\udc00", "a\\u0000b"])
def test_a_lone_surrogate_or_nul_in_a_name_is_422_naming_it(as_alice, bad):
    body = '{"name":"' + bad + '","protocol":"tcp","host":"127.0.0.1","port":1}'
    response = raw(as_alice, "POST", "/api/servers/", body)
    assert_error(response, 422)
    assert list(response.json["errors"]["json"]) == ["name"]
    assert as_alice.get("/api/servers/").json == []  # nothing half-written


def test_a_bad_keyword_path_or_recipient_is_422(as_alice, make_server):
    server = make_server(protocol="http", port=80)
    for field in ("keyword", "path"):
        body = '{"' + field + '":"/\\u0000"}'
        response = raw(as_alice, "PATCH", f"/api/servers/{server['id']}/", body)
        assert_error(response, 422)
        assert field in response.json["errors"]["json"]
    body = json.dumps({"server": server["id"], "notification_type": "email"})
    body = body[:-1] + ', "recipient": "a\\ud800@example.com"}'
    response = raw(as_alice, "POST", "/api/notification-configs/", body)
    assert_error(response, 422)
    assert "recipient" in response.json["errors"]["json"]


def test_a_bad_tag_is_refused_and_the_summary_keeps_working(
    as_alice, as_bob, as_admin, make_server
):
    server = make_server(api=as_bob, name="bobs")
    response = raw(as_bob, "PATCH", f"/api/servers/{server['id']}/", '{"tags":["\\udc00"]}')
    assert_error(response, 422)
    assert list(response.json["errors"]["json"]["tags"]) == ["0"]
    for api in (as_alice, as_bob, as_admin):
        assert api.get("/api/server-status/summary/").status_code == 200


@pytest.mark.parametrize("url", ["/api/servers/", "/api/overview/", "/api/ping-results/"])
def test_nul_in_a_query_string_is_422_naming_the_parameter(as_alice, make_server, url):
    make_server()
    response = as_alice.get(url + "?q=%00")
    assert_error(response, 422)
    assert list(response.json["errors"]["query"]) == ["q"]


def test_a_body_over_the_limit_is_413_json(app, as_alice):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = '{"name":"' + "x" * limit + '"}'
    assert_error(raw(as_alice, "POST", "/api/servers/", body), 413)


def test_huge_ids_are_404_in_paths_and_422_in_bodies(as_alice, make_server):
    make_server()
    for big in (2**31, 2**63, 2**64):
        assert_error(as_alice.get(f"/api/servers/{big}/"), 404)
        response = as_alice.post(
            "/api/notification-configs/",
            json={"server": big, "notification_type": "email", "recipient": "a@example.com"},
        )
        assert_error(response, 422)
        assert "server" in response.json["errors"]["json"]
        assert_error(as_alice.get(f"/api/ping-results/?server_id={big}"), 422)


def test_loose_numbers_are_422_not_truncated(as_alice, make_server):
    server = make_server()
    response = as_alice.patch(f"/api/servers/{server['id']}/", json={"port": 80.5})
    assert_error(response, 422)
    assert "port" in response.json["errors"]["json"]
    assert as_alice.get(f"/api/servers/{server['id']}/").json["port"] == server["port"]
    response = as_alice.post(
        "/api/notification-configs/",
        json={"server": server["id"] + 0.5, "notification_type": "email", "recipient": "a@b.co"},
    )
    assert_error(response, 422)
    assert "server" in response.json["errors"]["json"]
    # An integral number written as a float is still that number.
    assert as_alice.patch(f"/api/servers/{server['id']}/", json={"port": 81.0}).json["port"] == 81


def test_not_a_number_constants_are_not_json(as_alice):
    body = '{"name":"x","protocol":"tcp","host":"127.0.0.1","port":1,"timeout":NaN}'
    assert_error(raw(as_alice, "POST", "/api/servers/", body), 400)


def test_good_unicode_is_kept(as_alice):
    name = "caf\u00e9 \u200f\u05e9\u05dc\u05d5\u05dd \U0001f680"
    response = as_alice.post(
        "/api/servers/", json={"name": name, "protocol": "tcp", "host": "127.0.0.1", "port": 1}
    )
    assert response.status_code == 201, response.json
    assert response.json["name"] == name


@pytest.mark.parametrize(
    "url",
    [
        "/api/public/status-pages/%00/",
        "/api/public/status-pages/a%00b/uptime/",
        "/api/public/status-pages/%00/badge.json",
        "/api/push/%00",
        "/api/push/%00/fail",
        "/api/public/badges/%00%00%00%00%00%00%00%00%00%00%00/status.svg",
    ],
)
def test_nul_in_a_path_segment_is_404_not_a_database_error(client, url):
    assert_error(client.get(url), 404)
    if url.startswith("/api/push/"):
        assert_error(client.post(url), 404)


def test_nul_in_a_status_page_slug_is_a_plain_404(client):
    assert client.get("/status/%00").status_code == 404
    assert client.get("/status/%00/feed.atom").status_code == 404
