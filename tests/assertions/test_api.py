"""Assertions through the API: stored form, every 422 of API-NEXT §1.5, verdicts in results."""

import pytest

DB_OK = {"type": "json", "path": "db.ok", "operator": "==", "value": True}


def http_server(api, **fields):
    body = {"name": "api", "protocol": "http", "host": "127.0.0.1", "port": 8080} | fields
    return api.post("/api/servers/", json=body)


def errors_of(response):
    assert response.status_code == 422, response.json
    return response.json["errors"]["json"]


def test_a_server_has_the_keyword_defaults_and_no_assertions(as_alice):
    saved = http_server(as_alice).json
    assert saved["keyword_mode"] == "contains"
    assert (saved["keyword_invert"], saved["keyword_case_sensitive"]) == (False, True)
    assert saved["assertions"] == []


def test_assertions_are_saved_and_read_back(as_alice):
    assertions = [
        DB_OK,
        {"type": "header", "name": "X-Version", "operator": "exists"},
        {"type": "body", "operator": "contains", "value": "ok", "case_sensitive": False},
        {"type": "response_time", "operator": "<=", "value": 800},
    ]
    response = http_server(as_alice, assertions=assertions, keyword="o+k", keyword_mode="regex")
    assert response.status_code == 201, response.json
    assert response.json["assertions"] == assertions
    again = as_alice.get(f"/api/servers/{response.json['id']}/").json
    assert again["assertions"] == assertions and again["keyword_mode"] == "regex"


def test_a_patch_of_the_timeout_is_checked_against_the_assertions(as_alice):
    rule = {"type": "response_time", "operator": "<", "value": 5000}
    server = http_server(as_alice, timeout=10, assertions=[rule]).json
    response = as_alice.patch(f"/api/servers/{server['id']}/", json={"timeout": 2})
    assert errors_of(response) == {
        "assertions": {"0": {"value": ["Must be below timeout (2000 ms)."]}}
    }
    assert as_alice.get(f"/api/servers/{server['id']}/").json["timeout"] == 10


def test_a_patch_to_regex_mode_compiles_the_stored_keyword(as_alice):
    server = http_server(as_alice, keyword="(a").json
    response = as_alice.patch(f"/api/servers/{server['id']}/", json={"keyword_mode": "regex"})
    assert errors_of(response) == {
        "keyword": ["Invalid regular expression: missing ) at position 2"]
    }


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"keyword_mode": "regex", "keyword": "(a"},
            {"keyword": ["Invalid regular expression: missing ) at position 2"]},
        ),
        (
            {"assertions": [{"type": "json", "path": "a[?b>", "operator": "==", "value": 1}]},
            {"assertions": {"0": {"path": ["Invalid JMESPath: Incomplete expression"]}}},
        ),
        (
            {"assertions": [{"type": "json", "path": "a", "operator": ">", "value": "x"}]},
            {"assertions": {"0": {"value": ["Must be a number for operator '>'."]}}},
        ),
        (
            {"assertions": [{"type": "json", "path": "a", "operator": ">", "value": True}]},
            {"assertions": {"0": {"value": ["Must be a number for operator '>'."]}}},
        ),
        (
            {"assertions": [{"type": "json", "path": "a", "operator": "exists", "value": 1}]},
            {"assertions": {"0": {"value": ["Not allowed for operator 'exists'."]}}},
        ),
        (
            {
                "timeout": 10,
                "assertions": [{"type": "response_time", "operator": "<", "value": 20000}],
            },
            {"assertions": {"0": {"value": ["Must be below timeout (10000 ms)."]}}},
        ),
        (
            {"assertions": [{"type": "cert_expiry", "operator": ">", "value": 7}]},
            {"assertions": {"0": {"type": ["cert_expiry needs protocol https."]}}},
        ),
        ({"assertions": [DB_OK] * 21}, {"assertions": ["At most 20."]}),
        (
            {"assertions": [DB_OK] * 3 + [{"type": "xml", "operator": "=="}]},
            {
                "assertions": {
                    "3": {
                        "type": ["Must be one of: body, json, header, response_time, cert_expiry."]
                    }
                }
            },
        ),
        (
            {"assertions": [{"type": "body", "operator": "==", "value": "x"}]},
            {
                "assertions": {
                    "0": {
                        "operator": [
                            "Must be one of: contains, not_contains, matches, not_matches, equals."
                        ]
                    }
                }
            },
        ),
        (
            {"assertions": [{"type": "body", "operator": "matches", "value": "[z-a]"}]},
            {
                "assertions": {
                    "0": {
                        "value": ["Invalid regular expression: bad character range at position 4"]
                    }
                }
            },
        ),
        (
            {"assertions": [{"type": "header", "operator": "==", "value": "1"}]},
            {"assertions": {"0": {"name": ["Missing data for required field."]}}},
        ),
        (
            {"assertions": [{"type": "header", "name": "Bad Name", "operator": "exists"}]},
            {"assertions": {"0": {"name": ["Not a valid header name."]}}},
        ),
        (
            {"assertions": [{"type": "json", "path": "a", "operator": "=="}]},
            {"assertions": {"0": {"value": ["Missing data for required field."]}}},
        ),
        (
            {"assertions": [{"type": "body", "operator": "contains", "value": "a", "path": "x"}]},
            {"assertions": {"0": {"path": ["Not allowed for type 'body'."]}}},
        ),
        (
            {"assertions": [{"type": "json", "path": "a", "operator": "==", "value": 1, "x": 1}]},
            {"assertions": {"0": {"x": ["Unknown field."]}}},
        ),
        ({"keyword_mode": "glob"}, {"keyword_mode": ["Must be one of: contains, regex."]}),
    ],
)
def test_bad_assertions_get_422_at_their_path_and_nothing_is_saved(as_alice, fields, errors):
    assert errors_of(http_server(as_alice, **fields)) == errors
    assert as_alice.get("/api/servers/").json == []


def test_cert_expiry_is_accepted_on_https(as_alice):
    rule = {"type": "cert_expiry", "operator": ">=", "value": 14}
    response = http_server(as_alice, protocol="https", port=443, assertions=[rule])
    assert response.status_code == 201, response.json


def test_each_result_keeps_every_verdict_and_the_status_says_the_first_failure(
    app, as_alice, as_bob, target
):
    failing = {"type": "json", "path": "db.replicas", "operator": ">=", "value": 3}
    server = http_server(
        as_alice, port=target.port, path="/health", assertions=[DB_OK, failing]
    ).json
    out = app.test_cli_runner().invoke(args=["run-checks", "--server-id", str(server["id"])])
    assert out.exit_code == 0, out.output
    [result] = as_alice.get(f"/api/ping-results/?server_id={server['id']}").json
    assert result["status"] == "failure"
    assert result["error_message"] == "json db.replicas >= 3: got 2"
    assert result["assertions"] == [
        {
            "type": "json",
            "path": "db.ok",
            "operator": "==",
            "expected": True,
            "actual": True,
            "passed": True,
        },
        {
            "type": "json",
            "path": "db.replicas",
            "operator": ">=",
            "expected": 3,
            "actual": 2,
            "passed": False,
            "message": "json db.replicas >= 3: got 2",
        },
    ]
    [status] = as_alice.get(f"/api/server-status/?server_id={server['id']}").json
    assert status["message"] == "json db.replicas >= 3: got 2"
    assert as_bob.get(f"/api/ping-results/?server_id={server['id']}").json == []
