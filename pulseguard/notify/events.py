"""The events a config subscribes to, and which subscription each delivered event needs."""

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import NotificationConfig
from pulseguard.states import Health

EVENTS = (
    "down",
    "degraded",
    "recovery",
    "cert_expiring",
    "reminder",
    "maintenance",
    "incident_update",
)
DEFAULT_EVENTS = ("down", "recovery")
# A delivery's event (what happened) -> the subscription that asks for it.
SUBSCRIPTION = {
    "failure": "down",
    "degraded": "degraded",
    "recovery": "recovery",
    "reminder": "down",
    "cert_expiring": "cert_expiring",
    "maintenance": "maintenance",
    "incident_update": "incident_update",
}


def events_of(config) -> list[str]:
    """Return the events a config (or a row of its columns) subscribes to."""
    if config.events is not None:
        return list(config.events)
    legacy = [("down", config.notify_on_failure), ("recovery", config.notify_on_recovery)]
    return [name for name, wanted in legacy if wanted]


def wants(config, event: str, old_status: str | None = None) -> bool:
    """Tell whether a config wants a delivered event (a recovery from degraded needs `degraded`)."""
    subscribed = events_of(config)
    if event == "recovery" and old_status == Health.DEGRADED:
        return "recovery" in subscribed and "degraded" in subscribed
    if event == "reminder":
        return "down" in subscribed or "reminder" in subscribed
    return SUBSCRIPTION.get(event) in subscribed


def covers(config, server) -> bool:
    """Tell whether a config is about a server: its own, or every one of its owner's (by tag)."""
    if config.server_id is not None:
        return config.server_id == server.id
    if config.owner_id != server.owner_id:
        return False
    return not config.tags or bool(set(config.tags) & set(server.tags or ()))


def covering(configs) -> Callable:
    """Return server -> the configs among these that cover it, by id (a lookup per server, not
    a scan of every config: 2,000 changes x 6,000 configs were 12 million covers() calls)."""
    own: dict[int, list] = defaultdict(list)
    everywhere: dict[int, list] = defaultdict(list)
    for config in configs:
        if config.server_id is None:
            everywhere[config.owner_id].append(config)
        else:
            own[config.server_id].append(config)

    def of(server) -> list:
        found = own.get(server.id, []) + everywhere.get(server.owner_id, [])
        return sorted((c for c in found if covers(c, server)), key=lambda c: c.id)

    return of


def candidate_configs(server_ids, owner_ids, extra_columns=(), *conditions):
    """Return the enabled configs that may cover these servers: their own, or their owners'
    owner-wide ones (rows with what `covers` and `wants` read; the tag filter is theirs), by id.
    `extra_columns` and `conditions` add what a caller reads more of, or filters on."""
    return db.session.execute(
        select(
            NotificationConfig.id,
            NotificationConfig.server_id,
            NotificationConfig.owner_id,
            NotificationConfig.tags,
            NotificationConfig.events,
            NotificationConfig.notify_on_failure,
            NotificationConfig.notify_on_recovery,
            *extra_columns,
        )
        .where(
            NotificationConfig.enabled.is_(True),
            *conditions,
            NotificationConfig.server_id.in_(server_ids)
            | (NotificationConfig.server_id.is_(None) & NotificationConfig.owner_id.in_(owner_ids)),
        )
        .order_by(NotificationConfig.id)
    ).all()
