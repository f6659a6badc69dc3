"""Assertions evaluated by the HTTP probe against a real local server (API-NEXT §1.5)."""

import pytest

from pulseguard.checks.probe import probe
from pulseguard.kinds import draft_target
from pulseguard.kinds.http import HttpSettings


def check(target, path="/health", timeout_s=5.0, **settings):
    """Probe the target with settings validated as the API validates them."""
    loaded = HttpSettings().load({"path": path} | settings)
    server = draft_target("http", host="127.0.0.1", port=target.port, timeout_s=timeout_s, **loaded)
    return probe(server)


def json_assertion(path, operator, *value):
    return {"type": "json", "path": path, "operator": operator} | (
        {"value": value[0]} if value else {}
    )


def test_passing_json_assertions_keep_expected_and_actual(target):
    outcome = check(
        target,
        assertions=[
            json_assertion("db.ok", "==", True),
            json_assertion("db.latency_ms", "<", 100),
            json_assertion("db.replicas", "==", 2.0),
            json_assertion("tags", "contains", "eu"),
            json_assertion("version", "matches", r"^2\.\d+"),
            json_assertion("items[?size > `5`].name | [0]", "==", "b"),
            json_assertion("length(items)", ">=", 2),
            json_assertion("db", "exists"),
            json_assertion("nothing.here", "not_exists"),
        ],
    )
    assert (outcome.status, outcome.message) == ("success", "OK")
    assert len(outcome.assertions) == 9 and all(a["passed"] for a in outcome.assertions)
    assert outcome.assertions[0] == {
        "type": "json",
        "path": "db.ok",
        "operator": "==",
        "expected": True,
        "actual": True,
        "passed": True,
    }
    assert outcome.assertions[1]["actual"] == 4.5
    assert outcome.assertions[5]["actual"] == "b"


def test_the_first_failure_is_the_message_and_every_verdict_is_kept(target):
    outcome = check(
        target,
        assertions=[
            json_assertion("db.ok", "==", True),
            json_assertion("db.replicas", ">", 3),
            json_assertion("version", "==", "3.0"),
        ],
    )
    assert outcome.status == "failure" and outcome.status_code == 200
    assert outcome.message == "json db.replicas > 3: got 2"
    assert [a["passed"] for a in outcome.assertions] == [True, False, False]
    assert outcome.assertions[2]["actual"] == "2.4.1"


@pytest.mark.parametrize(
    ("assertion", "passed"),
    [
        (json_assertion("db.ok", "==", 1), False),  # a bool is not a number
        (json_assertion("version", ">", 1), False),  # a string is not a number
        (json_assertion("queue", "exists"), False),  # an explicit null does not exist
        (json_assertion("queue", "not_exists"), True),
        (json_assertion("queue", "==", None), True),
        (json_assertion("tags", "==", ["eu", "primary"]), True),
        (json_assertion("tags", "contains", "e"), False),  # an element, not a substring
        (json_assertion("version", "contains", "4.1"), True),
        (json_assertion("version", "not_contains", "beta"), True),
        (json_assertion("db.latency_ms", "matches", "4"), False),  # matches needs a string
        (json_assertion("version", "not_matches", "beta"), True),
        (json_assertion("db", "==", {"replicas": 2, "ok": True, "latency_ms": 4.5}), True),
        (json_assertion("db.ok", "!=", False), True),
    ],
)
def test_json_operators_are_typed(target, assertion, passed):
    outcome = check(target, assertions=[assertion])
    assert outcome.assertions[0]["passed"] is passed, outcome.assertions


def test_a_body_that_is_not_json_fails_every_json_assertion(target):
    outcome = check(target, path="/", assertions=[json_assertion("a", "not_exists")] * 2)
    assert outcome.status == "failure"
    assert outcome.message == "json a not_exists: Body is not JSON"
    assert [a["passed"] for a in outcome.assertions] == [False, False]


def test_header_assertions_ignore_the_case_of_names(target):
    outcome = check(
        target,
        assertions=[
            {"type": "header", "name": "x-version", "operator": "==", "value": "2.4.1"},
            {"type": "header", "name": "CONTENT-TYPE", "operator": "contains", "value": "json"},
            {
                "type": "header",
                "name": "Cache-Control",
                "operator": "matches",
                "value": "no-(store|cache)",
            },
            {"type": "header", "name": "Set-Cookie", "operator": "not_exists"},
            {"type": "header", "name": "X-Missing", "operator": "exists"},
        ],
    )
    assert [a["passed"] for a in outcome.assertions] == [True, True, True, True, False]
    assert outcome.assertions[0]["name"] == "x-version"
    assert outcome.message == "header X-Missing exists: got null"


def test_body_assertions_with_and_without_case(target):
    outcome = check(
        target,
        path="/",
        assertions=[
            {"type": "body", "operator": "contains", "value": "all systems go"},
            {
                "type": "body",
                "operator": "contains",
                "value": "all systems go",
                "case_sensitive": False,
            },
            {"type": "body", "operator": "not_contains", "value": "error"},
            {"type": "body", "operator": "matches", "value": r"Welcome to (\w+)"},
            {"type": "body", "operator": "not_matches", "value": "(?i)maintenance"},
        ],
    )
    assert [a["passed"] for a in outcome.assertions] == [False, True, True, True, True]
    assert outcome.assertions[3]["actual"] == "Welcome to PulseGuard"
    assert outcome.assertions[0]["actual"].startswith("<html><body>Welcome")


def test_actual_values_are_cut_to_200_characters(target):
    outcome = check(
        target, path="/xs", assertions=[{"type": "body", "operator": "equals", "value": "x"}]
    )
    assert outcome.assertions[0]["actual"] == "x" * 200 and not outcome.assertions[0]["passed"]


def test_a_catastrophic_regex_times_out_instead_of_hanging_the_worker(target):
    outcome = check(
        target,
        path="/xs",
        assertions=[{"type": "body", "operator": "matches", "value": "(x+x+)+y"}],
    )
    assert outcome.status == "failure"
    assert outcome.assertions[0]["passed"] is False
    assert outcome.message == 'body matches "(x+x+)+y": regex timed out'


def test_response_time_assertion_turns_a_slow_answer_into_a_failure(target):
    fast = check(
        target,
        path="/slow/0",
        assertions=[{"type": "response_time", "operator": "<", "value": 300}],
    )
    assert fast.ok and fast.assertions[0]["actual"] < 300
    slow = check(
        target,
        path="/slow/400",
        assertions=[{"type": "response_time", "operator": "<", "value": 300}],
    )
    assert slow.status == "failure" and slow.assertions[0]["actual"] >= 400
    assert slow.message.startswith("response_time < 300: got ")


def test_cert_expiry_without_a_certificate_fails_saying_so(target):
    outcome = check(target, assertions=[{"type": "cert_expiry", "operator": ">", "value": 7}])
    assert outcome.message == "cert_expiry > 7: no certificate was read"


def test_assertions_are_evaluated_after_a_wrong_status_too(target):
    outcome = check(target, path="/down", assertions=[json_assertion("db.ok", "==", False)])
    assert (outcome.status, outcome.message) == ("failure", "HTTP 503")
    assert outcome.assertions[0]["passed"] is True


def test_keyword_as_regex_inverted_and_case_insensitive(target):
    assert check(target, path="/", keyword=r"systems\s+GO", keyword_mode="regex").ok
    assert not check(target, path="/", keyword="systems go").ok
    assert check(target, path="/", keyword="systems go", keyword_case_sensitive=False).ok
    inverted = check(target, path="/", keyword="Welcome", keyword_invert=True)
    assert (inverted.status, inverted.message) == ("failure", "Keyword 'Welcome' found")
    assert check(target, path="/", keyword="error", keyword_invert=True).ok
    timed_out = check(target, path="/xs", keyword="(x+x+)+y", keyword_mode="regex")
    assert (timed_out.status, timed_out.message) == ("failure", "Keyword regex timed out")


def test_a_server_without_assertions_records_none(target):
    outcome = check(target)
    assert outcome.ok and outcome.assertions is None


def test_cert_expiry_reads_the_days_left_of_the_checks_own_handshake(tmp_path):
    from pulseguard.checks.context import ProbeContext
    from pulseguard.checks.http import HttpProber
    from tests.targets import Certificates, LocalServer

    certs = Certificates(tmp_path)  # valid for 90 days
    web = LocalServer(certs.server_context(certs.valid))
    context = ProbeContext(http=HttpProber(cafile=certs.ca_file))
    rules = [
        {"type": "cert_expiry", "operator": ">", "value": 30},
        {"type": "cert_expiry", "operator": ">=", "value": 100},
    ]
    loaded = HttpSettings().load({"assertions": rules})
    target = draft_target("https", host="127.0.0.1", port=web.port, timeout_s=5.0, **loaded)
    try:
        outcome = probe(target, context)
    finally:
        web.stop()
    assert [a["passed"] for a in outcome.assertions] == [True, False]
    assert 89 < outcome.assertions[0]["actual"] <= 90
    assert outcome.message == f"cert_expiry >= 100: got {outcome.assertions[1]['actual']}"
