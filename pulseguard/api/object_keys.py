"""The `key` of a notification config or a maintenance window: kept, asked for, or made.

Like a server's key (api/servers/keys.py): made from the name when not given (`ops-slack`, then
`ops-slack-2`), refused with 409 when a sibling has it. Config as code matches by it (§7).
"""

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import MaintenanceWindow, NotificationConfig
from pulseguard.models.server_key import ServerKeyTakenError, first_free, slugify


def sibling_config_keys(config: NotificationConfig) -> set[str]:
    """Return the keys of the configs next to this one (same server, or the owner's wide ones)."""
    model = NotificationConfig
    stmt = select(model.key)
    if config.server_id is not None:
        stmt = stmt.where(model.server_id == config.server_id)
    else:
        stmt = stmt.where(model.owner_id == config.owner_id, model.server_id.is_(None))
    if config.id is not None:
        stmt = stmt.where(model.id != config.id)
    with db.session.no_autoflush:  # a new row must not be flushed with its column default
        return set(db.session.scalars(stmt))


def window_keys(window: MaintenanceWindow) -> set[str]:
    """Return the keys of the owner's other windows."""
    stmt = select(MaintenanceWindow.key).where(MaintenanceWindow.owner_id == window.owner_id)
    if window.id is not None:
        stmt = stmt.where(MaintenanceWindow.id != window.id)
    with db.session.no_autoflush:  # a new row must not be flushed with its column default
        return set(db.session.scalars(stmt))


def assign(obj, wanted: str | None, taken: set[str], name: str, by: str) -> None:
    """Give obj the key asked for (409 if taken), keep its own, or make one from name."""
    if wanted is None and obj.key:
        return
    if wanted is not None:
        if wanted in taken:
            raise ServerKeyTakenError(wanted, by)
        obj.key = wanted
    else:
        obj.key = first_free(slugify(name), taken)
