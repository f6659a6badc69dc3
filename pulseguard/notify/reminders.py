"""Reminders, keyed on the open incident (API-NEXT §6).

While an incident is open and not acknowledged, each config that covers its server (its own, or
an owner-wide one whose tags match) and has a `reminder_minutes` gets the message again every
that many minutes after the incident was detected, at most `max_reminders` times for that
incident (0: no limit). An acknowledgement stops them; taking it back starts them again a period
later. A degraded incident reminds only configs that subscribe to `degraded`.

Each sweep claims a config with a compare-and-set of its `reminded_at`, so that two schedulers
never remind twice; the reminders themselves are counted per (config, incident) from the
recorded deliveries.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select, update

from pulseguard.extensions import db
from pulseguard.models import (
    Health,
    Incident,
    NotificationConfig,
    NotificationDelivery,
    Server,
    StatusChange,
)
from pulseguard.models.monitored import alerting_now
from pulseguard.models.types import utcnow
from pulseguard.notify.events import candidate_configs, covering, events_of, wants
from pulseguard.notify.runner import enqueue_deliveries
from pulseguard.sql import rowcount


def send_reminders() -> int:
    """Enqueue the reminders due now for open, unacknowledged incidents; return how many."""
    now = utcnow()
    incidents = _open_incidents()
    if not incidents:
        return 0
    configs = _configs({row.server_id for row in incidents}, {row.owner_id for row in incidents})
    changes = _latest_outages({row.server_id for row in incidents})
    configs_of = covering(configs)
    pairs = [
        (config, incident)
        for incident in incidents
        for config in configs_of(_Server(incident.server_id, incident.owner_id, incident.tags))
        if wants(config, "reminder")
        and (incident.current_status == Health.DOWN or "degraded" in events_of(config))
        and incident.server_id in changes
    ]
    history = _history({c.id for c, _ in pairs}, {i.id for _, i in pairs})
    due: dict[int, list[tuple]] = {}
    for config, incident in pairs:
        count, last = history.get((config.id, incident.id), (0, None))
        if config.max_reminders and count >= config.max_reminders:
            continue  # this incident had all the reminders the config asked for
        since = max(t for t in (incident.detected_at, last, _own_mark(config, incident)) if t)
        if now - since >= timedelta(minutes=config.reminder_minutes):
            due.setdefault(config.id, []).append(
                (config.id, changes[incident.server_id], "reminder")
            )
    claimed = [
        job
        for config in configs
        if config.id in due and _claim(config, now)
        for job in due[config.id]
    ]
    db.session.commit()
    enqueue_deliveries(claimed)
    return len(claimed)


def _own_mark(config, incident) -> datetime | None:
    """A server's own config: its reminded_at (moved to now when an ack is taken back)."""
    return config.reminded_at if config.server_id == incident.server_id else None


def _open_incidents():
    """Open, unacknowledged incidents of servers that alert now."""
    stmt = (
        select(
            Incident.id,
            Incident.server_id,
            Incident.detected_at,
            Incident.current_status,
            Server.owner_id,
            Server.tags,
        )
        .join(Server, Server.id == Incident.server_id)
        .where(Incident.state == "open", Incident.acknowledged_at.is_(None), alerting_now())
    )
    return db.session.execute(stmt).all()


def _configs(server_ids, owner_ids):
    """Enabled configs with reminders, of these servers or owner-wide of these owners."""
    reminders = (
        NotificationConfig.reminder_minutes,
        NotificationConfig.reminded_at,
        NotificationConfig.max_reminders,
    )
    present = NotificationConfig.reminder_minutes.is_not(None)
    return candidate_configs(server_ids, owner_ids, reminders, present)


def _latest_outages(server_ids) -> dict[int, int]:
    """Return {server_id: id of its latest change to down or degraded} (what a reminder repeats)."""
    rows = db.session.execute(
        select(StatusChange.server_id, func.max(StatusChange.id))
        .where(
            StatusChange.server_id.in_(server_ids),
            StatusChange.new_status.in_((Health.DOWN, Health.DEGRADED)),
        )
        .group_by(StatusChange.server_id)
    )
    return {server_id: change_id for server_id, change_id in rows}


def _history(config_ids, incident_ids) -> dict[tuple[int, int | None], tuple[int, datetime]]:
    """Return {(config_id, incident_id): (reminders so far, when the last was made)}."""
    if not config_ids:
        return {}
    rows = db.session.execute(
        select(
            NotificationDelivery.config_id,
            NotificationDelivery.incident_id,
            func.count(),
            func.max(NotificationDelivery.created_at),
        )
        .where(
            NotificationDelivery.event == "reminder",
            NotificationDelivery.attempt == 1,
            NotificationDelivery.config_id.in_(config_ids),
            NotificationDelivery.incident_id.in_(incident_ids),
        )
        .group_by(NotificationDelivery.config_id, NotificationDelivery.incident_id)
    )
    return {(config, incident): (count, last) for config, incident, count, last in rows}


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


class _Server(NamedTuple):
    id: int
    owner_id: int
    tags: list | None
