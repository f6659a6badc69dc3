"""A version of "which servers exist, whose they are and how they are tagged", for the sweep.

The maintenance sweep runs every second and matches its tag and all-server windows against
every server's owner and tags: a 10,000-row select, most of its cost (bench/maintenance). These
facts change rarely, so the sweep keeps them per process and reads them again only when this
version moved (monitoring/maintenance.py).

The version is one Redis value: a fresh random number, set after the commit of any ORM flush
that adds or deletes a Server or changes its `tags` or `owner_id`. That one hook covers every
path that writes them: the REST API (create, update), config apply, the push slug routes, the
CLI, so none can forget. It is set after the commit and the sweep reads it before its select, so
a sweep never keeps facts older than the version it read. Random, not a counter: a Redis that
restarted empty (or a test's flushed one) starts at a new value, never at one a process may
still hold. Without Redis (one process, but `flask` commands write from others) there is no
shared version: `current()` answers None and the sweep selects every time, as it did before. A
write outside the ORM (a bulk UPDATE) does not move it: the sweep still selects again at least
every FULL_EVERY_S.
"""

import logging
import secrets

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import InstanceState, Session

from pulseguard.models.server import Server
from pulseguard.redis_client import redis_connection

log = logging.getLogger(__name__)
FULL_EVERY_S = 60.0  # the sweep's facts are read again at least this often, whatever the version
_FLAG = "pulseguard_servers_changed"
WATCHED = ("tags", "owner_id")


def _key() -> str:
    return f"{current_app.config['EVENTS_CHANNEL']}:servers-version"


def current() -> int | None:
    """Return the version now, or None when there is none to trust (no Redis, or it failed)."""
    if not current_app.config.get("REDIS_URL"):
        return None
    try:
        client, key = redis_connection(), _key()
        value = client.get(key)
        if value is None:  # first use, or Redis lost its data: start somewhere new
            client.set(key, secrets.randbits(62), nx=True)
            value = client.get(key)
        return None if value is None else int(value)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - the sweep then selects afresh, as without Redis
        log.warning("Reading the servers' version failed", exc_info=True)
        return None


def bump() -> None:
    """Move the version on (after a commit that changed servers, tags or owners)."""
    if not has_app_context() or not current_app.config.get("REDIS_URL"):
        return
    try:
        redis_connection().set(_key(), secrets.randbits(62))
    except Exception:  # noqa: BLE001 - committed already; the sweep's FULL_EVERY_S catches up
        log.warning("Bumping the servers' version failed", exc_info=True)


def _changes_servers(session: Session) -> bool:
    if any(isinstance(obj, Server) for obj in (*session.new, *session.deleted)):
        return True
    for obj in session.dirty:
        if isinstance(obj, Server):
            state: InstanceState = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in WATCHED):
                return True
    return False


@event.listens_for(Session, "before_flush")
def _note(session: Session, _context, _instances) -> None:
    if not session.info.get(_FLAG) and _changes_servers(session):
        session.info[_FLAG] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_FLAG, False):
        bump()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous) -> None:
    if not session.in_transaction():
        session.info.pop(_FLAG, None)
