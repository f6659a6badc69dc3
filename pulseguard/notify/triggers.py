"""What a status change triggers: one delivery job per config that wants to hear of it."""

import logging
from typing import NamedTuple

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Health, Server, StatusChange
from pulseguard.notify.events import candidate_configs, covering, wants
from pulseguard.notify.runner import enqueue_deliveries

log = logging.getLogger(__name__)

RESPONDING = (Health.UP, Health.DEGRADED)


def event_for(old_status: str, new_status: str) -> str | None:
    """Return the event a transition is ("failure", "degraded", "recovery"), or None."""
    if new_status == Health.DOWN and old_status != Health.DOWN:
        return "failure"
    if old_status == Health.DOWN and new_status in RESPONDING:
        return "recovery"
    if old_status == Health.UP and new_status == Health.DEGRADED:
        return "degraded"
    if old_status == Health.DEGRADED and new_status == Health.UP:
        return "recovery"  # only configs that subscribe to `degraded` hear of it (events.wants)
    return None  # unknown -> up, down -> unknown, ... tell nobody


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
            Server.owner_id,
            Server.tags,
        )
        .join(Server, Server.id == StatusChange.server_id)
        .where(StatusChange.id.in_(change_ids))
    ).all()
    changes = [(row, event) for row in rows if (event := event_for(row.old_status, row.new_status))]
    if not changes:
        return
    server_ids = {row.server_id for row, _ in changes}
    owner_ids = {row.owner_id for row, _ in changes}
    configs_of = covering(candidate_configs(server_ids, owner_ids))
    jobs = [
        (config.id, row.id, event)
        for row, event in sorted(changes, key=lambda item: item[0].id)
        for config in configs_of(_Server(row.server_id, row.owner_id, row.tags))
        if wants(config, event, row.old_status)
    ]
    try:
        enqueue_deliveries(jobs)
    except Exception:  # noqa: BLE001 - a queue outage must not fail the check batch
        log.exception("Could not enqueue %d notifications for changes %s", len(jobs), change_ids)


class _Server(NamedTuple):
    id: int
    owner_id: int
    tags: list | None
