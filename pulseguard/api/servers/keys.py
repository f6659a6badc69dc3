"""Assigning a server's key when the API makes or edits it (see models/server_key.py)."""

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.models.server_key import ServerKeyTakenError, first_free, slugify


def keys_of_owner(owner_id: int, server_id: int | None = None) -> set[str]:
    """Return the keys of an owner's servers (but the given one)."""
    stmt = select(Server.key).where(Server.owner_id == owner_id)
    if server_id is not None:
        stmt = stmt.where(Server.id != server_id)
    return set(db.session.scalars(stmt))


def assign_key(server, wanted: str | None) -> None:
    """Give a server the key asked for (409 if the owner uses it), or one from its name."""
    if wanted is None and server.key:
        return
    taken = keys_of_owner(server.owner_id, server.id)
    if wanted is not None:
        if wanted in taken:
            raise ServerKeyTakenError(wanted)
        server.key = wanted
    else:
        server.key = first_free(slugify(server.name), taken)
