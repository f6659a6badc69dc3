"""Reminders: the failure message again every `reminder_minutes` while a server stays down."""

from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update

from pulseguard.extensions import db
from pulseguard.models import (
    Health,
    Incident,
    NotificationConfig,
    NotificationDelivery,
    Server,
    ServerStatus,
    StatusChange,
)
from pulseguard.models.monitored import alerting_now
from pulseguard.models.types import utcnow
from pulseguard.notify.runner import run_delivery
from pulseguard.queueing import NOTIFY
from pulseguard.queueing.enqueue import enqueue_many
from pulseguard.sql import rowcount


def send_reminders() -> int:
    """Enqueue a reminder per config whose server stayed down another period; return how many."""
    now = utcnow()
    due = _candidates()
    outages = _latest_outages({row.server_id for row in due})
    rounds = _rounds({row.id for row in due}, {change for change, _ in outages.values()})
    claimed = []
    for row in due:
        outage = outages.get(row.server_id)
        if outage is None:
            continue
        change_id, down_since = outage
        if row.max_reminders and rounds.get((row.id, change_id), 0) >= row.max_reminders:
            continue  # this outage had all the reminders the config asked for
        last: datetime = max(down_since, row.reminded_at or down_since)
        if now - last >= timedelta(minutes=row.reminder_minutes) and _claim(row, now):
            claimed.append((row.id, change_id, "reminder"))
    db.session.commit()
    enqueue_many(NOTIFY, run_delivery, claimed, result_ttl=300)
    return len(claimed)


def _candidates():
    """Configs that want reminders, of alerting servers that are down now."""
    stmt = (
        select(
            NotificationConfig.id,
            NotificationConfig.server_id,
            NotificationConfig.reminder_minutes,
            NotificationConfig.reminded_at,
            NotificationConfig.max_reminders,
        )
        .join(Server, Server.id == NotificationConfig.server_id)
        .join(ServerStatus, ServerStatus.server_id == NotificationConfig.server_id)
        .where(
            NotificationConfig.enabled.is_(True),
            NotificationConfig.notify_on_failure.is_(True),
            NotificationConfig.reminder_minutes.is_not(None),
            alerting_now(),
            ServerStatus.health == Health.DOWN,
            ~exists().where(  # an acknowledged incident silences its reminders
                Incident.server_id == NotificationConfig.server_id,
                Incident.state == "open",
                Incident.acknowledged_at.is_not(None),
            ),
        )
    )
    return db.session.execute(stmt).all()


def _latest_outages(server_ids) -> dict[int, tuple[int, datetime]]:
    """Return {server_id: (id, time) of its latest change to down}."""
    if not server_ids:
        return {}
    latest = (
        select(func.max(StatusChange.id))
        .where(StatusChange.server_id.in_(server_ids), StatusChange.new_status == Health.DOWN)
        .group_by(StatusChange.server_id)
    )
    rows = db.session.execute(
        select(StatusChange.server_id, StatusChange.id, StatusChange.created_at).where(
            StatusChange.id.in_(latest)
        )
    )
    return {row.server_id: (row.id, row.created_at) for row in rows}


def _rounds(config_ids, change_ids) -> dict[tuple[int, int | None], int]:
    """Return {(config_id, change_id): reminders sent so far for that outage}."""
    if not config_ids or not change_ids:
        return {}
    rows = db.session.execute(
        select(NotificationDelivery.config_id, NotificationDelivery.status_change_id, func.count())
        .where(
            NotificationDelivery.event == "reminder",
            NotificationDelivery.attempt == 1,
            NotificationDelivery.config_id.in_(config_ids),
            NotificationDelivery.status_change_id.in_(change_ids),
        )
        .group_by(NotificationDelivery.config_id, NotificationDelivery.status_change_id)
    )
    return {(config, change): count for config, change, count in rows}


def _claim(row, now) -> bool:
    """Move reminded_at from the value read to now; False when another run got there first."""
    was = NotificationConfig.reminded_at
    unchanged = was.is_(None) if row.reminded_at is None else was == row.reminded_at
    result = db.session.execute(
        update(NotificationConfig)
        .where(NotificationConfig.id == row.id, unchanged)
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1
