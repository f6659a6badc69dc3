"""Two workers recording the same outage at once on PostgreSQL make exactly one incident.

The second worker's INSERT waits on the partial unique index of open incidents while the first
holds its transaction open (seen in pg_locks), then finds the incident open and only updates it.
"""

import time

import gevent
import pytest
from gevent.event import Event
from sqlalchemy import func, select, text

from pulseguard.extensions import db
from pulseguard.models import Incident, Server
from pulseguard.monitoring import incidents
from pulseguard.monitoring.record import record_results
from tests.outcomes import OK, result


def transition(server, at):
    return incidents.Transition(server.id, server.owner_id, "web", "up", "down", at, "HTTP 503")


def test_two_workers_racing_to_open_an_incident_make_exactly_one(app, make_server):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip(
                "the race on the partial unique index is PostgreSQL's (SQLite serialises writers)"
            )
    sid = make_server(name="web")["id"]
    with app.app_context():
        record_results([result(sid, OK, time.time() - 10)])
        server = db.session.get(Server, sid)
        now = server.created_at.now(server.created_at.tzinfo)
        first_may_commit = Event()
        touched: dict = {}
        engine = db.engine  # greenlets do not inherit the app context

        def worker(name, wait):
            with engine.connect() as connection:
                pid = connection.execute(text("select pg_backend_pid()")).scalar()
                touched[f"{name}_pid"] = pid
                touched[name] = incidents.follow(connection, [transition(server, now)], reopen_s=0)
                if wait:
                    first_may_commit.wait()
                connection.commit()

        first = gevent.spawn(worker, "first", True)
        with gevent.Timeout(30):
            while "first" not in touched:
                assert not first.dead, first.exception
                gevent.sleep(0.05)
        second = gevent.spawn(worker, "second", False)
        with engine.connect() as watcher, gevent.Timeout(30):  # the second waits on a lock
            while True:
                assert not second.dead, second.exception
                pid = touched.get("second_pid")
                waiting = (
                    pid
                    and watcher.execute(
                        text("select count(*) from pg_locks where pid = :pid and not granted"),
                        {"pid": pid},
                    ).scalar()
                )
                if waiting:
                    break
                gevent.sleep(0.05)
        first_may_commit.set()
        gevent.joinall([first, second], raise_error=True)
        count = db.session.scalar(select(func.count()).select_from(Incident))
        assert count == 1
        assert touched["first"] == touched["second"]
