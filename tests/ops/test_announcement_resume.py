"""An announcement whose worker is SIGKILLed mid-attempt is delivered afterwards, once.

The Procfile's real processes on PostgreSQL and a private Redis: a public incident update is
decided (the web process enqueues it), a worker takes it and starts sending to a webhook that
holds the request; that worker is killed. The attempt stays `sending` with the facts it carried,
and the scheduler's periodic resume_deliveries, run by a second worker, makes the next attempt.
"""

import pytest
from gevent.event import Event

from tests.notify.peers import HttpPeer
from tests.ops.stack import wait_for
from tests.ops.target import Target

pytestmark = pytest.mark.once


@pytest.fixture
def peers():
    webhook, target = HttpPeer(), Target()
    yield webhook, target
    webhook.close()
    target.stop()


def attempts(stack):
    return stack.database.query(
        "SELECT attempt, outcome, announcement IS NOT NULL FROM notification_deliveries "
        "WHERE event = 'incident_update' ORDER BY attempt"
    )


def test_an_update_cut_short_by_a_killed_worker_is_sent_once_afterwards(stack, peers):
    webhook, target = peers
    stack.env.update(NOTIFY_STALL_S="2", NOTIFY_RESUME_S="1", WEBHOOK_TIMEOUT_S="60")
    stack.start_web()
    stack.start_worker("worker1")
    stack.start_scheduler()
    body = {"name": "api", "protocol": "http", "host": "127.0.0.1", "port": target.port}
    server = stack.api("POST", "/api/servers/", json=body).json()["id"]
    config = {"server": server, "notification_type": "webhook", "recipient": webhook.url + "/t",
              "events": ["incident_update"]}  # fmt: skip
    assert stack.api("POST", "/api/notification-configs/", json=config).status_code == 201
    webhook.hold = Event()
    incident = {"title": "Slow API", "servers": [server], "message": "Looking", "public": True}
    assert stack.api("POST", "/api/incidents/", json=incident).status_code == 201

    wait_for(lambda: webhook.requests, 30, what="the first attempt at the webhook")
    assert attempts(stack) == [(1, "sending", True)]
    stack.processes["worker1"].kill()  # SIGKILL between deciding and delivering: nothing drains
    stack.processes["worker1"].wait(10)
    webhook.hold.set()
    webhook.hold = None
    stack.start_worker("worker2")

    done = [(1, "interrupted", True), (2, "sent", True)]
    wait_for(lambda: attempts(stack) == done, 60, what="the resumed attempt")
    assert len(webhook.requests) == 2  # the cut-short one and the resumed one (at least once)
    first, second = (webhook.json(i) for i in (0, 1))
    assert first["event"] == second["event"] == "incident_update"
    assert first["update"] == second["update"] and second["incident"]["id"] is not None
