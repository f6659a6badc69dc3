"""The deadline sweep of push servers: late ones turn degraded, then down after their grace.

Each step is one compare-and-set UPDATE ... RETURNING on `push_monitors.stage` (`ok` -> `late`,
`ok`/`late` -> `down`), like the dispatcher's claims: when several workers sweep at once, a row
that one of them changed no longer matches the others' WHERE (PostgreSQL re-reads a locked row
once its transaction commits), so each transition is made exactly once. The synthetic `missed`
results go through record_results, which commits them with the claims in one transaction.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, select, update

from pulseguard import kinds
from pulseguard.checks.outcome import TIMEOUT, Outcome
from pulseguard.extensions import db
from pulseguard.kinds.push import max_runtime_s, settings_of
from pulseguard.models import PushMonitor, Server
from pulseguard.models.monitored import alerting_now
from pulseguard.models.types import utcnow
from pulseguard.monitoring.record import record_results


def sweep_push_deadlines(now: datetime | None = None) -> int:
    """The periodic job: mark late and silent push servers; return how many changed stage."""
    now = now or utcnow()
    # A push server covered by a maintenance window does not go late or down while it lasts.
    watched = select(Server.id).where(Server.protocol == "push", alerting_now())
    table = PushMonitor.__table__
    down = _claim(
        and_(table.c.stage.in_(("ok", "late")), table.c.alert_after <= now), "down", watched
    )
    late = _claim(
        and_(
            table.c.stage == "ok",
            table.c.next_expected_at <= now,
            table.c.alert_after > now,
        ),
        "late",
        watched,
    )
    claimed = down + late
    if not claimed:
        db.session.rollback()
        return 0
    ids = [row.server_id for row, _stage in claimed]
    servers = {s.id: s for s in db.session.scalars(select(Server).where(Server.id.in_(ids)))}
    at = now.timestamp()
    results = [
        (kinds.target_of(server), at, at, missed(row, stage, settings_of(server), now))
        for row, stage in claimed
        if (server := servers.get(row.server_id)) is not None
    ]
    record_results(results)  # commits the claims with the results
    return len(results)


def _claim(condition, stage: str, watched) -> list:
    """Move matching rows to `stage`; return [(row, stage)] of the rows this call moved."""
    table = PushMonitor.__table__
    stmt = (
        update(table)
        .where(condition, table.c.server_id.in_(watched))
        .values(stage=stage)
        .returning(
            table.c.server_id,
            table.c.last_ping_at,
            table.c.next_expected_at,
            table.c.alert_after,
            table.c.running,
            table.c.started_at,
        )
    )
    return [(row, stage) for row in db.session.execute(stmt)]


def missed(row, stage: str, settings: dict, now: datetime) -> Outcome:
    """The synthetic result of a missed deadline, with the message people read."""
    expected = row.next_expected_at
    details = {"stage": stage, "expected_at": expected.isoformat() if expected else None}
    if stage == "late":
        message = f"Late: expected by {_clock(expected)} UTC"
    elif row.running and row.started_at + timedelta(seconds=max_runtime_s(settings)) <= now:
        within = _span(max_runtime_s(settings))
        message = f"Started {_clock(row.started_at)} UTC, no success within {within}"
    elif row.last_ping_at is None:
        message = f"Started {_clock(row.started_at)} UTC, no success since"
    else:
        grace = _span(settings["grace"])
        message = (
            f"No ping since {_clock(row.last_ping_at)} UTC"
            f" (expected by {_clock(expected)}, grace {grace})"
        )
    return Outcome(TIMEOUT, None, None, message, details=details, kind="missed")


def _clock(moment: datetime | None) -> str:
    return moment.strftime("%H:%M") if moment else "?"


def _span(seconds: int) -> str:
    """Say a duration as people do: 90s, 5min, 2h, 3d."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
