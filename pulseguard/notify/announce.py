"""Announcements: maintenance start/end, incident updates and expiring certificates.

`announce(event, servers, facts)` enqueues one delivery per enabled config that covers one of
the servers (events.covers) and subscribes to the event (events.wants), at most once per config.
`facts` travel with the job (run_delivery's `facts`): `ref` names what the message is about, so
that a retried or re-delivered job sends it once; `headline` and `lines` are its text, `extra`
the fields the webhook body gains.
"""

import logging
from typing import NamedTuple

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.notify.events import candidate_configs, covering, wants
from pulseguard.notify.runner import enqueue_deliveries

log = logging.getLogger(__name__)


class _Server(NamedTuple):
    id: int
    owner_id: int
    tags: list | None


def configs_for(event: str, server_ids: list[int]) -> list[tuple[int, int]]:
    """Return (config id, server id) for every config wanting `event` of one of the servers."""
    servers = [
        _Server(*row)
        for row in db.session.execute(
            select(Server.id, Server.owner_id, Server.tags).where(Server.id.in_(server_ids))
        ).all()
    ]
    if not servers:
        return []
    configs_of = covering(candidate_configs([s.id for s in servers], {s.owner_id for s in servers}))
    found: dict[int, int] = {}
    for server in sorted(servers):
        for config in configs_of(server):
            if config.id not in found and wants(config, event):
                found[config.id] = server.id
    return sorted(found.items())


def announce(event: str, server_ids: list[int], facts: dict) -> None:
    """Enqueue an announcement to every config that wants it (once per config); never raise."""
    try:
        jobs = [
            (config_id, None, event, 1, facts | {"server_id": facts.get("server_id") or server_id})
            for config_id, server_id in configs_for(event, list(server_ids))
        ]
        enqueue_deliveries(jobs)
    except Exception:  # noqa: BLE001 - an announcement must never fail what caused it
        log.exception("Could not announce %s %s", event, facts.get("ref"))
