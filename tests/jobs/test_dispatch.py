"""Claiming due servers: compare-and-set, no drift, paused never, restarts, two dispatchers."""

from datetime import timedelta

import gevent
import pytest
from sqlalchemy import event, update

from pulseguard import create_app
from pulseguard.extensions import db
from pulseguard.jobs.dispatch import batches, claim_due, spread_fraction
from pulseguard.models import Server
from pulseguard.models.types import utcnow
from tests.conftest import make_config


def set_next(server_id, when):
    db.session.execute(update(Server).where(Server.id == server_id).values(next_check_at=when))
    db.session.commit()


def next_at(server_id):
    db.session.expire_all()
    return db.session.get(Server, server_id).next_check_at


def test_new_server_is_due_at_once_and_claimed_once(ctx, make_server):
    sid = make_server(check_interval=30)["id"]
    first = claim_due()
    db.session.commit()
    assert [c[0] for c in first] == [sid]
    assert claim_due() == []


def test_next_check_advances_from_the_planned_time(ctx, make_server):
    sid = make_server(check_interval=30)["id"]
    now = utcnow()
    planned = now - timedelta(seconds=5)  # late by 5 s: the next is still planned + 30 s
    set_next(sid, planned)
    assert claim_due(now=now) == [(sid, planned)]
    db.session.commit()
    assert next_at(sid) == planned + timedelta(seconds=30)


def test_lookahead_claims_servers_due_soon(ctx, make_server):
    sid = make_server(check_interval=30)["id"]
    now = utcnow()
    soon = now + timedelta(seconds=2)
    set_next(sid, soon)
    assert claim_due(now=now, lookahead_s=1) == []
    assert claim_due(now=now, lookahead_s=3) == [(sid, soon)]


def test_paused_and_maintenance_servers_are_never_claimed(ctx, make_server, as_alice):
    paused = make_server(name="p")["id"]
    maint = make_server(name="m")["id"]
    as_alice.patch(f"/api/servers/{paused}/", json={"status": "paused"})
    as_alice.patch(f"/api/servers/{maint}/", json={"status": "maintenance"})
    set_next(paused, utcnow() - timedelta(seconds=1))
    set_next(maint, utcnow() - timedelta(seconds=1))
    assert claim_due() == []


def test_reactivated_server_is_checked_at_once(ctx, make_server, as_alice):
    sid = make_server()["id"]
    as_alice.patch(f"/api/servers/{sid}/", json={"status": "paused"})
    assert claim_due() == []
    as_alice.patch(f"/api/servers/{sid}/", json={"status": "active"})
    assert [c[0] for c in claim_due()] == [sid]


def test_long_overdue_server_is_checked_now_and_its_schedule_spread(ctx, make_server):
    sid = make_server(check_interval=60)["id"]
    now = utcnow()
    set_next(sid, now - timedelta(hours=2))  # every process was down for two hours
    assert claim_due(now=now) == [(sid, now)]
    db.session.commit()
    gap = (next_at(sid) - now).total_seconds()
    assert abs(gap - 60 * spread_fraction(sid)) < 0.01
    assert 30 <= gap < 60


def test_batches_keep_planned_order_and_size(ctx):
    now = utcnow()
    claims = [(i, now + timedelta(seconds=i)) for i in range(5)]
    cut = batches(claims, 2)
    assert [[item[0] for item in batch] for batch in cut] == [[0, 1], [2, 3], [4]]
    assert cut[0][1][1] == claims[1][1].timestamp()


def test_two_concurrent_dispatchers_never_claim_the_same_server(app, make_server):
    ids = {make_server(name=f"s{i}", check_interval=60)["id"] for i in range(120)}
    claimed = {}

    def dispatcher(name):
        with app.app_context():
            got = []
            for _ in range(6):
                got += claim_due(limit=25)
                db.session.commit()
                gevent.sleep(0)
            claimed[name] = [c[0] for c in got]
            db.session.remove()

    gevent.joinall([gevent.spawn(dispatcher, "a"), gevent.spawn(dispatcher, "b")], raise_error=True)
    a, b = claimed["a"], claimed["b"]
    assert len(a) == len(set(a)) and len(b) == len(set(b))
    assert not set(a) & set(b)
    assert set(a) | set(b) == ids


def test_never_scheduled_server_is_claimed_at_once(ctx, make_server):
    sid = make_server(check_interval=40)["id"]
    set_next(sid, None)
    now = utcnow()
    assert claim_due(now=now) == [(sid, now)]
    db.session.commit()
    assert 20 <= (next_at(sid) - now).total_seconds() < 40
    assert claim_due(now=now) == []


def test_a_dispatcher_that_lost_the_race_keeps_only_what_it_won(app, make_server):
    """Another process claims some rows between this one's SELECT and its compare-and-set."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL locks the rows it claims (SKIP LOCKED): see the test above")
    ids = sorted(make_server(name=f"s{i}", check_interval=60)["id"] for i in range(4))
    other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"]))  # another process
    theirs = []

    def claim_first(_conn, _cursor, statement, *_args):
        if statement.startswith("UPDATE servers") and not theirs:
            with other.app_context():
                theirs.extend(claim_due(server_ids=ids[:2]))
                db.session.commit()
                db.session.remove()

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", claim_first)
        try:
            mine = claim_due()
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", claim_first)
        assert [sid for sid, _ in theirs] == ids[:2]
        assert sorted(sid for sid, _ in mine) == ids[2:]
        assert claim_due() == []  # every next time moved on, each by exactly one dispatcher
