"""Deliveries a stopped worker left behind: attempts it was running, retries that never came.

Both of status changes and of announcements (maintenance, incident_update, cert_expiring), whose
attempts keep the facts their job carried (`announcement`), so the next attempt can be made.

A notify job starts its attempt on the process's pool and returns, so RQ forgets the job at once:
a worker killed then (SIGKILL, out of memory, a lost machine) would lose the attempt. So deliver()
records every attempt as "sending" before it sends, and this periodic job (every
NOTIFY_RESUME_S) finds, among the last day's attempts:
- "sending" rows older than NOTIFY_STALL_S (far longer than any channel's timeouts): each is
  marked "interrupted" by a compare-and-set, and its next attempt is enqueued (none when it was
  the last);
- "retrying" rows whose next attempt is overdue by NOTIFY_STALL_S and was never made (an
  embedded process restarted before its timer fired; a scheduled retry lost with Redis' data).
What remains: a message that the provider took just before the worker died is sent again (at
least once, never lost), up to NOTIFY_STALL_S + NOTIFY_RESUME_S late. A job running twice finds
its attempt recorded (delivery.already_attempted) and sends nothing.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from pulseguard.extensions import db
from pulseguard.models import NotificationDelivery as Attempt
from pulseguard.models.types import utcnow
from pulseguard.notify.delivery import retry_delay
from pulseguard.notify.runner import enqueue_deliveries
from pulseguard.sql import rowcount

LIMIT = 500  # rows per run: a backlog is worked off over several runs


def resume_deliveries() -> int:
    """Enqueue the next attempt of every interrupted or forgotten delivery; return how many."""
    now = utcnow()
    stall = timedelta(seconds=float(current_app.config["NOTIFY_STALL_S"]))
    recent = Attempt.created_at > now - timedelta(days=1)
    jobs = [*_interrupted(now - stall, recent), *_forgotten(now, stall, recent)]
    db.session.commit()
    enqueue_deliveries(jobs)
    return len(jobs)


def _resumable():
    """Attempts whose next one can be made: of a status change, or of a kept announcement."""
    return Attempt.status_change_id.is_not(None) | Attempt.announcement.is_not(None)


def _next(row) -> tuple:
    """The notify job of the attempt after this row's (run_delivery's arguments)."""
    if row.status_change_id is not None:
        return (row.config_id, row.status_change_id, row.event, row.attempt + 1)
    return (row.config_id, None, row.event, row.attempt + 1, row.announcement)


def _interrupted(before, recent) -> list[tuple]:
    rows = db.session.execute(
        select(Attempt.id, Attempt.config_id, Attempt.status_change_id, Attempt.event,
               Attempt.attempt, Attempt.announcement)
        .where(Attempt.outcome == "sending", Attempt.created_at < before, recent, _resumable())
        .limit(LIMIT)
    ).all()  # fmt: skip
    jobs = []
    for row in rows:
        claimed = db.session.execute(
            update(Attempt)
            .where(Attempt.id == row.id, Attempt.outcome == "sending")
            .values(outcome="interrupted", status="failure", error="The worker stopped mid-attempt")
        )
        if rowcount(claimed) == 1 and retry_delay(row.attempt) is not None:
            jobs.append(_next(row))
    return jobs


def _forgotten(now, stall, recent) -> list[tuple]:
    later = aliased(Attempt)
    same = or_(
        later.status_change_id == Attempt.status_change_id, later.ref == Attempt.ref
    )  # NULLs never match: a status change's attempts by change, an announcement's by ref
    next_attempt = exists().where(
        and_(
            later.config_id == Attempt.config_id,
            same,
            later.event == Attempt.event,
            later.attempt == Attempt.attempt + 1,
        )
    )
    rows = db.session.execute(
        select(Attempt.config_id, Attempt.status_change_id, Attempt.event, Attempt.attempt,
               Attempt.created_at, Attempt.announcement)
        .where(Attempt.outcome == "retrying", recent, Attempt.created_at < now - stall,
               _resumable(), ~next_attempt)
        .limit(LIMIT)
    ).all()  # fmt: skip
    return [
        _next(row)
        for row in rows
        if row.created_at + timedelta(seconds=retry_delay(row.attempt) or 0) + stall < now
    ]
