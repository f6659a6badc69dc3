"""Retention: raw check results older than RESULT_RETENTION_DAYS are deleted, in small batches.

Hourly rollups keep uptime figures after the raw results are gone; they are kept for
ROLLUP_RETENTION_DAYS (longer than the 30-day uptime window). Daily state rollups (the status
pages' bars) are kept for STATE_RETENTION_DAYS (400 by default).
"""

from datetime import datetime, timedelta

import gevent
from sqlalchemy import delete, func, select

from pulseguard.extensions import db
from pulseguard.models import PingResult, StateDay, UptimeRollup
from pulseguard.models.types import utcnow
from pulseguard.sql import rowcount


def count_older(model, column, cutoff: datetime) -> int:
    """Count rows of model whose column is older than the cutoff."""
    return db.session.scalar(select(func.count()).select_from(model).where(column < cutoff)) or 0


def delete_in_batches(model, column, cutoff: datetime, batch_size: int) -> int:
    """Delete rows older than the cutoff, batch_size rows per short transaction."""
    total = 0
    while True:
        ids = select(model.id).where(column < cutoff).order_by(column).limit(batch_size)
        count = rowcount(
            db.session.execute(delete(model).where(model.id.in_(ids.scalar_subquery())))
        )
        db.session.commit()
        total += count
        if count < batch_size:
            return total
        gevent.sleep(0)  # let checks and requests run between batches


def prune(
    result_days: int,
    rollup_days: int,
    batch_size: int = 5000,
    dry_run: bool = False,
    now=None,
    state_days: int = 400,
) -> dict:
    """Delete (or, dry_run, count) expired results and rollups; return what and until when."""
    now = now or utcnow()
    state_cutoff = (now - timedelta(days=state_days)).date()
    old_days = delete(StateDay).where(StateDay.day < state_cutoff)
    result_cutoff = now - timedelta(days=result_days)
    rollup_cutoff = now - timedelta(days=rollup_days)
    report = {"results_cutoff": result_cutoff, "rollups_cutoff": rollup_cutoff}
    if dry_run:
        report["results"] = count_older(PingResult, PingResult.checked_at, result_cutoff)
        report["rollups"] = count_older(UptimeRollup, UptimeRollup.hour_start, rollup_cutoff)
        report["state_days"] = db.session.scalar(
            select(func.count()).select_from(StateDay).where(StateDay.day < state_cutoff)
        )
        return report
    report["results"] = delete_in_batches(
        PingResult, PingResult.checked_at, result_cutoff, batch_size
    )
    deleted = db.session.execute(
        delete(UptimeRollup).where(UptimeRollup.hour_start < rollup_cutoff)
    )
    report["state_days"] = rowcount(db.session.execute(old_days))
    db.session.commit()
    report["rollups"] = rowcount(deleted)
    return report
