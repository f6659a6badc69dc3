"""Outcomes and results for recording tests (plain data, as the probes produce them)."""

import time

from pulseguard.checks.outcome import Outcome
from pulseguard.kinds import draft_target

OK = Outcome("success", 120.0, 200, "OK")
DOWN = Outcome("failure", 30.0, 503, "HTTP 503")
REFUSED = Outcome("error", None, None, "Connection refused")


def result(server_id, outcome, started=None):
    """A (target, planned, started, outcome) result as the runner produces it."""
    started = time.time() if started is None else started
    target = draft_target("http", id=server_id, host="x", port=80)
    return (target, started, started, outcome)
