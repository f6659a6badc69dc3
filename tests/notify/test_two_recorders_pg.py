"""Two workers recording the same server's down check at once on PostgreSQL: exactly one down.

Each worker calls the public recording path with its own app context (its own session and
connection). The first holds its transaction open after it has written the status, until the
second is seen waiting on a lock: the second must then read the status the first committed
(down), not the one it read before (up), so that one status change, one incident and one message
per config come of the outage. SQLite serialises writers, so the race is PostgreSQL's.
"""

import time

import gevent
import pytest
from gevent.event import Event
from sqlalchemy import func, select, text

from pulseguard.extensions import db
from pulseguard.models import Health, Incident, StatusChange
from pulseguard.monitoring import timeline
from pulseguard.monitoring.record import record_results
from tests.notify.peers import wait_for
from tests.outcomes import DOWN, OK, result


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("once", [False, True], ids=["results", "engine-writer"])
def test_two_workers_recording_one_down_at_once_make_one_down(
    embedded, server, add_config, deliveries, webhook, as_alice, monkeypatch, once
):
    with embedded.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers: the race is PostgreSQL's")
    sid = server["id"]
    hook = add_config(sid, "webhook", webhook.url + "/hook")
    now = time.time()
    with embedded.app_context():
        record_results([result(sid, OK, now - 60)])
    first_in, first_may_commit, pids = Event(), Event(), {}
    move = timeline.move

    def held_move(connection, moves):  # the first writer waits here, its status row written
        if not first_in.is_set():
            first_in.set()
            first_may_commit.wait(30)
        return move(connection, moves)

    monkeypatch.setattr(timeline, "move", held_move)

    def worker(name, at):
        with embedded.app_context():
            pids[name] = db.session.execute(text("select pg_backend_pid()")).scalar()
            # Still in that transaction: the same backend records (READ COMMITTED, no snapshot).
            return record_results([result(sid, DOWN, at)], once=once)

    first = gevent.spawn(worker, "first", now - 30)
    with gevent.Timeout(30):
        first_in.wait()
    second = gevent.spawn(worker, "second", now - 29)
    with embedded.app_context(), gevent.Timeout(30):
        waiting = "select count(*) from pg_locks where pid = :pid and not granted"
        while not (pid := pids.get("second")) or not db.session.scalar(text(waiting), {"pid": pid}):
            assert not second.dead, second.exception
            db.session.commit()
            gevent.sleep(0.05)
    first_may_commit.set()
    gevent.joinall([first, second], raise_error=True)

    with embedded.app_context():
        mine = StatusChange.server_id == sid
        assert count(StatusChange, mine, StatusChange.new_status == Health.DOWN) == 1
        assert count(Incident, Incident.server_id == sid) == 1
    assert as_alice.get(f"/api/server-status/?server_id={sid}").json[0]["status"] == "down"
    wait_for(lambda: len(deliveries()) >= 1)
    gevent.sleep(0.5)  # a second message, were one due, has had its time to be sent
    assert [d[:4] for d in deliveries()] == [(hook, "failure", 1, "sent")]
    assert len(webhook.requests) == 1
