"""A claim handed to the engine twice (a lapsed lease taken over) is checked twice, recorded once.

The engine's writer records a check only if its planned time is later than the server's last
recorded one (a compare-and-set on server_statuses.last_planned_at), on SQLite and PostgreSQL.
"""

import time

from pulseguard.jobs.checks import run_check_batch
from pulseguard.jobs.engine import get_engine


def run(app, items):
    with app.app_context():
        run_check_batch(items)
    assert get_engine(app).drain(10)


def test_the_same_claim_twice_is_recorded_once(embedded_app, web, make_server, as_alice):
    sid = make_server(port=web.port)["id"]
    planned = time.time()
    run(embedded_app, [[sid, planned]])
    run(embedded_app, [[sid, planned]])  # the copy a stalled owner runs after the take-over
    assert web.app.hits["/"] == 2  # probed twice ...
    results = as_alice.get(f"/api/ping-results/?server_id={sid}").json
    assert len(results) == 1  # ... recorded once
    status = as_alice.get(f"/api/server-status/{sid}/").json
    assert status["status"] == "up"


def test_an_older_claim_after_a_newer_one_is_not_recorded(embedded_app, web, make_server, as_alice):
    sid = make_server(port=web.port)["id"]
    planned = time.time()
    run(embedded_app, [[sid, planned]])
    run(embedded_app, [[sid, planned - 10]])  # taken over late: the next check is in already
    run(embedded_app, [[sid, planned + 0.5]])  # the next claim is recorded as usual
    assert len(as_alice.get(f"/api/ping-results/?server_id={sid}").json) == 2


def test_one_batch_holding_a_claim_twice_records_it_once(embedded_app, web, make_server, as_alice):
    sid = make_server(port=web.port)["id"]
    planned = time.time()
    run(embedded_app, [[sid, planned], [sid, planned]])
    assert len(as_alice.get(f"/api/ping-results/?server_id={sid}").json) == 1
