"""Real checks against a local server that fails and recovers: one message each way per outage."""

import email
import email.policy
import json
import time

import gevent

from pulseguard.jobs.checks import run_check_batch
from pulseguard.jobs.engine import get_engine, stop_engine
from tests.notify.peers import HttpPeer, wait_for


def check(app, server_id):
    """Run one check of the server through the check batch job and wait until it is recorded."""
    with app.app_context():
        run_check_batch([[server_id, time.time()]])
    assert get_engine(app).drain(10)


def test_one_failure_and_one_recovery_message_per_outage(
    embedded, make_server, add_config, deliveries, webhook, smtp, as_alice
):
    target = HttpPeer(default=(200, "ok"))
    try:
        sid = make_server(port=target.server.server_port, failure_threshold=2)["id"]
        add_config(sid, "webhook", webhook.url)
        add_config(sid, "email", "ops@example.test")
        check(embedded, sid)  # unknown -> up: nobody is told
        target.default = (503, "unavailable")
        for _ in range(5):  # the 2nd failing check turns it down; the others keep it down
            check(embedded, sid)
        wait_for(lambda: len(deliveries()) == 2)
        target.default = (200, "ok")
        for _ in range(3):
            check(embedded, sid)
        wait_for(lambda: len(deliveries()) == 4)
        gevent.sleep(0.2)  # anything extra would have been delivered by now
    finally:
        target.close()
        stop_engine(embedded)
    status = as_alice.get(f"/api/server-status/?server_id={sid}").json[0]
    assert status["status"] == "up"
    sent = [json.loads(request["body"]) for request in webhook.requests]
    assert [(p["event"], p["old_status"], p["new_status"]) for p in sent] == [
        ("failure", "up", "down"),
        ("recovery", "down", "up"),
    ]
    assert "503" in sent[0]["message"] and sent[0]["server"]["id"] == sid
    subjects = [
        email.message_from_string(m["data"], policy=email.policy.default)["Subject"]
        for m in smtp.messages()
    ]
    assert subjects == ["[PulseGuard] DOWN: web", "[PulseGuard] UP again: web"]
    assert {d[3] for d in deliveries()} == {"sent"}
