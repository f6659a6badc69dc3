"""Claiming due servers (compare-and-set on next_check_at) and enqueueing them in batches.

The dispatcher looks CHECK_LOOKAHEAD_S ahead: it claims servers due in the next few seconds and
every probe waits for its own planned time, so a check starts on time whatever the queue's latency.
The next check is planned from the planned time, not from when the check ran, so intervals do not
drift. A server that was never scheduled or is overdue by more than its interval (e.g. every
process was down) is checked at once, and its next checks are spread over its interval so that a
restart does not leave every server checked in the same second forever.

Back-pressure: while the `checks` queue already holds CHECK_QUEUE_MAX_JOBS batches (the workers
are behind: each worker takes batches until it holds CHECK_MAX_PENDING checks), a tick claims
nothing. The servers stay due and are claimed once the workers catch up. Before, every tick
claimed the whole planned load: an overloaded worker set spent its CPU claiming and queueing
checks that waited in the queue until they were dropped as stale (CHECK_JOB_TTL_S).
"""

import logging
import time
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, literal_column, or_, select, update

from pulseguard import kinds
from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.models.monitored import checked_now
from pulseguard.models.types import UTCDateTime, utcnow
from pulseguard.queueing import CHECKS
from pulseguard.queueing.enqueue import enqueue_many, queued

log = logging.getLogger(__name__)
_last_warned = [0.0]  # monotonic time of the last "workers are behind" warning

Claim = tuple[int, datetime]  # (server id, planned time)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # stands for "never scheduled" in comparisons


def spread_fraction(server_id: int) -> float:
    """A stable fraction in [0.5, 1) that spreads restarted schedules over the interval."""
    return 0.5 + ((server_id * 7919) % 1000) / 2000.0


def claim_due(
    now: datetime | None = None,
    lookahead_s: float = 0.0,
    limit: int = 20000,
    server_ids: list[int] | None = None,
) -> list[Claim]:
    """Claim probed servers due before now + lookahead_s; advance next_check_at; no commit."""
    now = now or utcnow()
    horizon = now + timedelta(seconds=lookahead_s)
    due = and_(
        checked_now(),
        Server.protocol.in_(kinds.active_names()),
        or_(Server.next_check_at.is_(None), Server.next_check_at <= horizon),
    )
    if server_ids is not None:
        due = and_(due, Server.id.in_(server_ids))
    if db.session.get_bind().dialect.name == "postgresql":
        return _claim_postgresql(now, due, limit)
    return _claim_generic(now, due, limit)


def _claim_postgresql(now, due, limit):
    """One statement: lock due rows (skipping rows another dispatcher holds), advance, return."""
    candidates = (
        select(Server.id.label("cid"), Server.next_check_at.label("old"))
        .where(due)
        .order_by(Server.next_check_at.asc().nulls_first())
        .limit(limit)
        .with_for_update(skip_locked=True)
        .subquery()
    )
    at_now = bindparam("now", now, type_=UTCDateTime())
    interval = Server.check_interval_s * literal_column("interval '1 second'")
    overdue = or_(candidates.c.old.is_(None), candidates.c.old < at_now - interval)
    spread = 0.5 + ((Server.id * 7919) % 1000) / 2000.0
    new = case((overdue, at_now + interval * spread), else_=candidates.c.old + interval)
    stmt = (
        update(Server)
        .where(Server.id == candidates.c.cid)
        .values(next_check_at=new, updated_at=Server.updated_at)
        .returning(Server.id, candidates.c.old, Server.check_interval_s)
        .execution_options(synchronize_session=False)
    )
    claims = []
    for sid, old, interval_s in db.session.execute(stmt):
        fresh = old is not None and old >= now - timedelta(seconds=interval_s)
        claims.append((sid, old if fresh else now))
    return sorted(claims, key=lambda c: c[1])


def _claim_generic(now, due, limit):
    """Select due rows, then claim them with one compare-and-set executemany (SQLite).

    SQLite blocks the whole gevent process while it works, so this stays one short statement. If
    another process claimed some rows first (fewer rows updated than selected), the update is
    rolled back and redone row by row: a row is ours when our compare-and-set changed it.
    """
    rows = db.session.execute(
        select(Server.id, Server.next_check_at, Server.check_interval_s)
        .where(due)
        .order_by(Server.next_check_at.asc().nulls_first())
        .limit(limit)
    ).all()
    if not rows:
        return []
    planned, params = {}, []
    for sid, old, interval_s in rows:
        interval = timedelta(seconds=interval_s)
        if old is None or old < now - interval:
            planned[sid], new = now, now + interval * spread_fraction(sid)
        else:
            planned[sid], new = old, old + interval
        params.append({"b_id": sid, "b_old": old or EPOCH, "b_new": new})
    table = Server.__table__
    stmt = (
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            func.coalesce(table.c.next_check_at, EPOCH) == bindparam("b_old", type_=UTCDateTime()),
        )
        .values(next_check_at=bindparam("b_new"), updated_at=table.c.updated_at)
    )
    if db.session.connection().execute(stmt, params).rowcount != len(params):
        db.session.rollback()
        connection = db.session.connection()
        won = {p["b_id"] for p in params if connection.execute(stmt, p).rowcount == 1}
        planned = {sid: at for sid, at in planned.items() if sid in won}
    return sorted(planned.items(), key=lambda c: c[1])


def batches(claims: list[Claim], size: int) -> list[list[list]]:
    """Cut claims (sorted by planned time) into job payloads [[id, planned unix time], ...]."""
    size = max(1, size)
    payload = [[sid, planned.timestamp()] for sid, planned in claims]
    return [payload[i : i + size] for i in range(0, len(payload), size)]


def dispatch_due_checks(server_ids: list[int] | None = None) -> int:
    """The periodic job: claim due servers, commit, enqueue check batch jobs; return the count."""
    from pulseguard.jobs.checks import job_options, run_check_batch

    config = current_app.config
    if server_ids is None and workers_behind(config):
        return 0
    claims = claim_due(
        lookahead_s=config["CHECK_LOOKAHEAD_S"],
        limit=config["CHECK_DISPATCH_LIMIT"],
        server_ids=server_ids,
    )
    db.session.commit()
    if claims:
        payloads = batches(claims, config["CHECK_BATCH_SIZE"])
        enqueue_many(CHECKS, run_check_batch, [(p,) for p in payloads], **job_options(config))
    return len(claims)


def workers_behind(config) -> bool:
    """True when the checks queue holds CHECK_QUEUE_MAX_JOBS batches or more (warns each minute)."""
    limit = config["CHECK_QUEUE_MAX_JOBS"]
    waiting = queued(CHECKS) if limit > 0 else None
    if waiting is None or waiting < limit:
        return False
    if time.monotonic() - _last_warned[0] >= 60:
        _last_warned[0] = time.monotonic()
        log.warning(
            "The checks queue holds %d batches (CHECK_QUEUE_MAX_JOBS=%d): no new claims until "
            "the workers catch up; checks run late. Add workers or CPU.",
            waiting,
            limit,
        )
    return True
