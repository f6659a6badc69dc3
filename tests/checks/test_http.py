"""The HTTP probe against a real local server: codes, keyword, headers, redirects, timeouts."""

from pulseguard.checks.probe import probe
from pulseguard.kinds import draft_target
from tests.targets import refused_port


def http(port, path="/", **kw):
    return draft_target("http", id=1, host="127.0.0.1", port=port, path=path, **kw)


def test_200_is_success_with_time_and_code(web):
    outcome = probe(http(web.port))
    assert (outcome.status, outcome.status_code, outcome.message) == ("success", 200, "OK")
    assert outcome.response_time_ms > 0
    assert web.app.hits["/"] == 1


def test_500_is_failure_named_by_its_code(web):
    outcome = probe(http(web.port, "/status/503"))
    assert (outcome.status, outcome.status_code, outcome.message) == ("failure", 503, "HTTP 503")
    assert outcome.response_time_ms is not None


def test_expected_status_list_and_range(web):
    assert probe(http(web.port, "/status/503", expected_status="500-599")).ok
    assert probe(http(web.port, "/status/204", expected_status="200,204")).ok
    assert not probe(http(web.port, "/status/201", expected_status="200,204")).ok


def test_keyword_present_and_missing(web):
    assert probe(http(web.port, keyword="pulseguard")).ok
    missing = probe(http(web.port, keyword="kuma"))
    assert missing.status == "failure" and missing.status_code == 200
    assert missing.message == "Keyword 'kuma' not found"


def test_method_and_headers_are_sent(web):
    assert probe(http(web.port, "/h", method="POST", headers={"X-Probe": "yes"})).ok
    seen = web.app.seen_headers["/h"]
    assert seen["REQUEST_METHOD"] == "POST" and seen["HTTP_X_PROBE"] == "yes"
    assert seen["HTTP_USER_AGENT"].startswith("PulseGuard/")


def test_head_reads_no_body(web):
    outcome = probe(http(web.port, "/h", method="HEAD"))
    assert outcome.ok and web.app.seen_headers["/h"]["REQUEST_METHOD"] == "HEAD"


def test_redirects_followed_or_not(web):
    followed = probe(http(web.port, "/redirect", expected_status="200"))
    assert followed.ok and web.app.hits["/status/200"] == 1
    not_followed = probe(http(web.port, "/redirect", expected_status="200", follow_redirects=False))
    assert (not_followed.status, not_followed.status_code) == ("failure", 302)
    assert web.app.hits["/status/200"] == 1


def test_slow_answer_times_out_with_the_setting_in_the_message(web):
    outcome = probe(http(web.port, "/sleep/2000", timeout_s=0.3))
    assert outcome.status == "timeout"
    assert outcome.message == "Timed out after 0.3s"
    assert outcome.response_time_ms is None and outcome.status_code is None


def test_refused_connection_is_an_error():
    outcome = probe(http(refused_port()))
    assert (outcome.status, outcome.message) == ("error", "Connection refused")
    assert outcome.response_time_ms is None


def test_connections_are_reused_between_checks(web):
    for _ in range(3):
        assert probe(http(web.port)).ok
    assert web.app.hits["/"] == 3


def test_unknown_host_is_an_error_naming_the_lookup():
    outcome = probe(draft_target("http", id=1, host="no-such-host.invalid", port=80))
    assert (outcome.status, outcome.message) == ("error", "DNS lookup failed")
    assert outcome.response_time_ms is None and outcome.status_code is None
