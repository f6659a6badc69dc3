"""Deliveries people can trust: a failing config is disabled and its owner told; a stopped worker's
attempts are resumed."""

from datetime import timedelta

import gevent
import pytest
from gevent.event import Event
from sqlalchemy import select, update

from pulseguard.extensions import db
from pulseguard.models import NotificationConfig, NotificationDelivery
from pulseguard.models.types import utcnow
from pulseguard.notify import runner
from pulseguard.notify.announce import announce
from pulseguard.notify.resume import resume_deliveries
from pulseguard.notify.streaks import DISABLE_AFTER_FAILURES
from pulseguard.notify.triggers import enqueue_for_changes
from tests.notify.peers import HttpPeer, wait_for


@pytest.fixture
def receiver():
    peer = HttpPeer()
    yield peer
    peer.close()


def rows(app, config_id):
    with app.app_context():
        stmt = select(NotificationDelivery).where(NotificationDelivery.config_id == config_id)
        return [(r.event, r.attempt, r.outcome) for r in db.session.scalars(stmt)]


def streak(app, config_id):
    with app.app_context():
        return db.session.get(NotificationConfig, config_id).consecutive_failures


def finished(app, config_id):
    return len([r for r in rows(app, config_id) if r[2] != "sending"])


def test_twenty_failed_deliveries_in_a_row_disable_a_config_and_tell_the_owner(
    embedded, ctx, app, server, change, add_config, receiver, as_alice, monkeypatch
):
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_DELAYS_S", ())
    receiver.default = (200, "{}")
    broken = add_config(server["id"], "webhook", receiver.url + "/gone", name="ops hook")
    backup = add_config(None, "apprise", receiver.url.replace("http://", "json://") + "/backup")
    as_alice.patch(f"/api/notification-configs/{backup}/", json={"events": []})
    receiver.answers = [(410, "gone")] * DISABLE_AFTER_FAILURES
    for i in range(DISABLE_AFTER_FAILURES):
        old, new = ("up", "down") if i % 2 == 0 else ("down", "up")
        enqueue_for_changes([change(server["id"], old, new)])
        wait_for(lambda: finished(app, broken) == i + 1)  # noqa: B023 - called at once
    wait_for(lambda: rows(app, backup))
    got = as_alice.get(f"/api/notification-configs/{broken}/").json
    assert got["enabled"] is False and got["consecutive_failures"] == DISABLE_AFTER_FAILURES
    assert "20 failed deliveries in a row" in got["disabled_reason"]
    assert "HTTP 410" in got["disabled_reason"]
    assert rows(app, backup) == [("disabled", 1, "sent")]
    notice = receiver.json()
    assert notice["title"] == "[PulseGuard] Notifications disabled: ops hook"
    assert "HTTP 410" in notice["message"]
    enqueue_for_changes([change(server["id"], "up", "down")])  # disabled: nothing more is sent
    gevent.sleep(0.3)
    assert len(rows(app, broken)) == DISABLE_AFTER_FAILURES
    enabled = as_alice.patch(f"/api/notification-configs/{broken}/", json={"enabled": True}).json
    assert enabled["consecutive_failures"] == 0 and enabled["disabled_reason"] is None


def test_a_success_resets_the_streak(
    embedded, ctx, app, server, change, add_config, receiver, monkeypatch
):
    monkeypatch.setitem(app.config, "NOTIFY_RETRY_DELAYS_S", ())
    config = add_config(server["id"], "webhook", receiver.url)
    receiver.answers = [(404, "no"), (404, "no")]
    for i, (old, new) in enumerate((("up", "down"), ("down", "up"), ("up", "down"))):
        enqueue_for_changes([change(server["id"], old, new)])
        expected = [1, 2, 0][i]
        wait_for(lambda: finished(app, config) == i + 1 and streak(app, config) == expected)  # noqa: B023


def test_an_attempt_cut_short_by_a_stopped_worker_is_resumed(
    embedded, ctx, app, server, change, add_config, receiver
):
    config = add_config(server["id"], "webhook", receiver.url)
    cid = change(server["id"], "up", "down")
    long_ago = utcnow() - timedelta(seconds=app.config["NOTIFY_STALL_S"] + 5)
    with app.app_context():  # what a worker killed in the middle of attempt 1 leaves behind
        db.session.add(
            NotificationDelivery(
                config_id=config, server_id=server["id"], status_change_id=cid,
                event="failure", attempt=1, outcome="sending", created_at=long_ago,
            )
        )  # fmt: skip
        db.session.commit()
        assert resume_deliveries() == 1
        assert resume_deliveries() == 0  # claimed once
    wait_for(lambda: ("failure", 2, "sent") in rows(app, config))
    assert rows(app, config) == [("failure", 1, "interrupted"), ("failure", 2, "sent")]
    assert len(receiver.requests) == 1


def test_a_retry_that_never_came_is_made(embedded, ctx, app, server, change, add_config, receiver):
    config = add_config(server["id"], "webhook", receiver.url)
    cid = change(server["id"], "up", "down")
    with app.app_context():  # attempt 1 failed, and the process restarted before its retry
        db.session.add(
            NotificationDelivery(
                config_id=config, server_id=server["id"], status_change_id=cid,
                event="failure", attempt=1, outcome="retrying",
            )
        )  # fmt: skip
        db.session.commit()
        assert resume_deliveries() == 0  # not overdue yet
        db.session.execute(
            update(NotificationDelivery).values(created_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
        assert resume_deliveries() == 1
    wait_for(lambda: ("failure", 2, "sent") in rows(app, config))
    with app.app_context():
        assert resume_deliveries() == 0


def test_an_announcement_cut_short_by_a_stopped_worker_is_resumed_with_its_facts(
    embedded, app, server, add_config, receiver
):
    config = add_config(server["id"], "webhook", receiver.url, events=["maintenance"])
    facts = {
        "ref": "window:7:2026-12-01T22:00:00+00:00:active",
        "servers": [server["id"]],
        "server_name": "nightly",
        "status": "maintenance",
        "headline": "Maintenance started: nightly",
        "lines": ["Maintenance window nightly started."],
        "extra": {"window": {"id": 7, "name": "nightly", "state": "active"}},
    }
    receiver.hold = Event()
    with app.app_context():
        announce("maintenance", [server["id"]], facts)
    wait_for(lambda: receiver.requests)
    runner.pool_for(app).kill()  # the worker stops mid-attempt: nothing is recorded after it
    assert rows(app, config) == [("maintenance", 1, "sending")]
    receiver.hold.set()
    receiver.hold = None
    with app.app_context():
        db.session.execute(
            update(NotificationDelivery).values(created_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
        assert resume_deliveries() == 1
        assert resume_deliveries() == 0  # claimed once
    wait_for(lambda: ("maintenance", 2, "sent") in rows(app, config))
    assert rows(app, config) == [("maintenance", 1, "interrupted"), ("maintenance", 2, "sent")]
    assert len(receiver.requests) == 2
    assert receiver.json(1)["window"] == facts["extra"]["window"]
    assert receiver.json(1)["event"] == "maintenance"
