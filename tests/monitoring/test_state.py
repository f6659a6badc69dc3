"""The status state machine: thresholds, degraded, recovery and counts."""

from pulseguard.checks.outcome import Outcome
from pulseguard.monitoring.state import next_status

OK = Outcome("success", 120.0, 200, "OK")
SLOW = Outcome("success", 1500.0, 200, "OK")
DOWN = Outcome("failure", 30.0, 503, "HTTP 503")
REFUSED = Outcome("error", None, None, "Connection refused")


def run(outcomes, threshold=1, degraded=None, start="unknown"):
    status, failures, seen = start, 0, []
    for outcome in outcomes:
        verdict = next_status(status, failures, outcome, threshold, degraded)
        status, failures = verdict.health, verdict.consecutive_failures
        seen.append((status, failures, verdict.message))
    return seen


def test_first_success_is_up():
    assert run([OK]) == [("up", 0, "OK")]


def test_one_failure_is_down_at_threshold_one():
    assert run([OK, DOWN]) == [("up", 0, "OK"), ("down", 1, "HTTP 503")]


def test_down_only_after_threshold_failures_in_a_row():
    seen = run([OK, DOWN, REFUSED, DOWN, DOWN], threshold=3)
    assert seen[1] == ("up", 1, "HTTP 503 (failure 1 of 3)")
    assert seen[2] == ("up", 2, "Connection refused (failure 2 of 3)")
    assert seen[3] == ("down", 3, "HTTP 503")
    assert seen[4] == ("down", 4, "HTTP 503")


def test_a_success_resets_the_count():
    seen = run([DOWN, DOWN, OK, DOWN], threshold=3, start="up")
    assert [s[:2] for s in seen] == [("up", 1), ("up", 2), ("up", 0), ("up", 1)]


def test_unknown_stays_unknown_until_the_threshold():
    assert run([DOWN], threshold=2)[0][:2] == ("unknown", 1)


def test_degraded_when_slower_than_the_threshold():
    seen = run([SLOW, OK], degraded=1000)
    assert seen[0] == ("degraded", 0, "Slow: 1500 ms > 1000 ms")
    assert seen[1] == ("up", 0, "OK")
    assert run([SLOW])[0][0] == "up"  # no threshold: never degraded


def test_recovery_from_down():
    seen = run([DOWN, DOWN, OK], threshold=2, start="up")
    assert [s[0] for s in seen] == ["up", "down", "up"]
