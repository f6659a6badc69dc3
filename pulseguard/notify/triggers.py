"""What a status change triggers: one delivery job per config that wants to hear of it."""

import logging
from collections import defaultdict

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Health, NotificationConfig, StatusChange
from pulseguard.notify.delivery import WANTS
from pulseguard.notify.runner import run_delivery
from pulseguard.queueing import NOTIFY
from pulseguard.queueing.enqueue import enqueue_many

log = logging.getLogger(__name__)

RESPONDING = (Health.UP, Health.DEGRADED)


def event_for(old_status: str, new_status: str) -> str | None:
    """Return the event a transition is ("failure", "recovery"), or None when it is neither."""
    if new_status == Health.DOWN and old_status != Health.DOWN:
        return "failure"
    if old_status == Health.DOWN and new_status in RESPONDING:
        return "recovery"
    return None  # unknown -> up, up <-> degraded, ... tell nobody


def enqueue_for_changes(change_ids: list[int]) -> None:
    """Enqueue the notifications due for these committed StatusChange rows."""
    if not change_ids:
        return
    rows = db.session.execute(
        select(
            StatusChange.id,
            StatusChange.server_id,
            StatusChange.old_status,
            StatusChange.new_status,
        ).where(StatusChange.id.in_(change_ids))
    ).all()
    events: dict[int, tuple[int, str]] = {}
    for row in rows:
        event = event_for(row.old_status, row.new_status)
        if event:
            events[row.id] = (row.server_id, event)
    if not events:
        return
    wanted = db.session.execute(
        select(
            NotificationConfig.id,
            NotificationConfig.server_id,
            NotificationConfig.notify_on_failure,
            NotificationConfig.notify_on_recovery,
        ).where(
            NotificationConfig.server_id.in_({server_id for server_id, _ in events.values()}),
            NotificationConfig.enabled.is_(True),
        )
    ).all()
    by_server = defaultdict(list)
    for config in wanted:
        by_server[config.server_id].append(config)
    jobs = [
        (config.id, change_id, event)
        for change_id, (server_id, event) in sorted(events.items())
        for config in by_server[server_id]
        if getattr(config, WANTS[event])
    ]
    try:
        enqueue_many(NOTIFY, run_delivery, jobs, result_ttl=300)
    except Exception:  # noqa: BLE001 - a queue outage must not fail the check batch
        log.exception("Could not enqueue %d notifications for changes %s", len(jobs), change_ids)
