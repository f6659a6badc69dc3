"""Two real workers share one outage's checks and deliveries: one down, one recovery per config.

The Procfile's processes on PostgreSQL and a private Redis (tests/ops/stack.py): gunicorn, two
`python worker.py` on the same queues, and the scheduler. Servers are checked every 2 s against
a local target that starts answering 503 and later 200 again; each server has a webhook config
of its own, and a real receiver counts what each config was sent. A notify job carries one
attempt (NOTIFY_BATCH=1), so both workers take part in the delivering, not only in the checks.
"""

from collections import Counter

import pytest

from tests.notify.peers import HttpPeer
from tests.ops.checks import create_servers, settle
from tests.ops.stack import wait_for
from tests.ops.target import Target

pytestmark = pytest.mark.once
SERVERS = 20
INTERVAL_S = 2


class Switch(Target):
    """A target that answers every check with `status` (set it to fail them all at once)."""

    status = "200 OK"

    def app(self, environ, start_response):
        start_response(self.status, [("Content-Type", "text/plain")])
        return [b"ok"]


@pytest.fixture
def peers():
    target, webhook = Switch(), HttpPeer()
    yield target, webhook
    target.stop()
    webhook.close()


def statuses(stack) -> Counter:
    return Counter(row[0] for row in stack.database.query("SELECT health FROM server_statuses"))


def sent(webhook) -> Counter:
    """How many messages of each event each config's path received: {(path, event): n}."""
    return Counter((r["path"], webhook.json(i)["event"]) for i, r in enumerate(webhook.requests))


def test_two_workers_send_one_down_and_one_recovery_per_config(stack, peers):
    target, webhook = peers
    stack.env.update(NOTIFY_BATCH="1")
    stack.start_web()
    stack.start_worker("worker1")
    stack.start_worker("worker2")
    stack.start_scheduler()
    ids = create_servers(stack, target, SERVERS, interval_s=INTERVAL_S)
    for index, server in enumerate(ids):
        config = {"server": server, "notification_type": "webhook",
                  "recipient": f"{webhook.url}/c{index}"}  # fmt: skip
        assert stack.api("POST", "/api/notification-configs/", json=config).status_code == 201
    wait_for(lambda: statuses(stack)["up"] == SERVERS, 60, what="every server up")

    target.status = "503 Service Unavailable"
    wait_for(lambda: statuses(stack)["down"] == SERVERS, 60, what="every server down")
    wait_for(lambda: len(webhook.requests) >= SERVERS, 60, what="the down messages")
    settle(3 * INTERVAL_S)  # checks go on failing: none of them is a second down message
    target.status = "200 OK"
    wait_for(lambda: statuses(stack)["up"] == SERVERS, 60, what="every server up again")
    wait_for(lambda: len(webhook.requests) >= 2 * SERVERS, 60, what="the recovery messages")
    settle(3 * INTERVAL_S)

    paths = [f"/c{index}" for index in range(SERVERS)]
    expected = Counter({(p, e): 1 for p in paths for e in ("failure", "recovery")})
    assert sent(webhook) == expected
    rows = stack.database.query(
        "SELECT event, attempt, outcome, count(*) FROM notification_deliveries"
        " GROUP BY event, attempt, outcome ORDER BY event"
    )
    assert rows == [("failure", 1, "sent", SERVERS), ("recovery", 1, "sent", SERVERS)]
    for worker in ("worker1", "worker2"):  # each delivered some: the count held across two
        assert "Notification " in stack.log(worker), f"{worker} delivered nothing"
