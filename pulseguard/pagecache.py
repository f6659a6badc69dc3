"""The public status-page JSON, cached per slug: in Redis when REDIS_URL is set, else in process.

Entries live PUBLIC_CACHE_TTL_S (30 s). Each entry also files its slug under every server the
page shows, so that whatever changes what a page shows (a status change recorded by any worker,
an edit, a pause, a deletion) clears exactly the pages concerned, at once; a maintenance window
clears every page of its owner (monitoring/maintenance.py when one starts or ends, the windows'
routes on any edit). It sits below recording (monitoring/record.py clears it after each commit
with transitions) and the API.
A Redis failure is logged and means "not cached": the page is computed, never refused.
"""

import logging
import math
import time

from flask import current_app
from redis import RedisError
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import StatusPage
from pulseguard.redis_client import redis_connection

log = logging.getLogger(__name__)
PREFIX = "pulseguard:page"
# In process (no Redis): slug -> (expires at, body); server id -> slugs.
_local: dict[str, tuple[float, bytes]] = {}
_local_index: dict[int, set[str]] = {}


def _redis():
    url = current_app.config.get("REDIS_URL")
    return redis_connection(url) if url else None


def _ttl() -> int:
    return int(current_app.config.get("PUBLIC_CACHE_TTL_S", 30))


def get(slug: str) -> bytes | None:
    """Return the cached body of a page, or None."""
    client = _redis()
    if client is None:
        entry = _local.get(slug)
        return entry[1] if entry and entry[0] > time.monotonic() else None
    try:
        return client.get(f"{PREFIX}:{slug}")
    except RedisError as error:
        log.warning("Page cache unavailable: %s", error)
        return None


def put(slug: str, body: bytes, server_ids, until: float | None = None) -> None:
    """Cache a page's body, filed under each server it shows, for the TTL or `until` seconds
    when that is sooner (the next start or end of a window the page shows)."""
    longest, client = _ttl(), _redis()
    ttl = longest if until is None else max(1, min(longest, math.ceil(until)))
    if client is None:
        _local[slug] = (time.monotonic() + ttl, body)
        for sid in server_ids:
            _local_index.setdefault(sid, set()).add(slug)
        return
    try:
        pipe = client.pipeline(transaction=False)
        pipe.set(f"{PREFIX}:{slug}", body, ex=ttl)
        for sid in server_ids:
            pipe.sadd(f"{PREFIX}-servers:{sid}", slug)
            pipe.expire(f"{PREFIX}-servers:{sid}", longest * 2)
        pipe.execute()
    except RedisError as error:
        log.warning("Page cache unavailable: %s", error)


def clear_slugs(slugs) -> None:
    """Forget the cached pages of these slugs."""
    slugs = [s for s in slugs if s]
    client = _redis()
    if client is None:
        for slug in slugs:
            _local.pop(slug, None)
        return
    if slugs:
        try:
            client.delete(*(f"{PREFIX}:{s}" for s in slugs))
        except RedisError as error:
            log.warning("Page cache unavailable: %s", error)


def clear_servers(server_ids) -> None:
    """Forget the cached pages that show any of these servers."""
    server_ids = sorted(set(server_ids))
    if not server_ids:
        return
    client = _redis()
    if client is None:
        clear_slugs({slug for sid in server_ids for slug in _local_index.pop(sid, ())})
        return
    try:
        keys = [f"{PREFIX}-servers:{sid}" for sid in server_ids]
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.smembers(key)
        slugs = {s.decode() for members in pipe.execute() for s in members}
        if slugs:
            client.delete(*(f"{PREFIX}:{s}" for s in slugs))
    except RedisError as error:
        log.warning("Page cache unavailable: %s", error)


def clear_owners(owner_ids) -> None:
    """Forget the cached pages of these users (a maintenance window shows on its owner's pages)."""
    owner_ids = sorted(set(owner_ids))
    if owner_ids:
        stmt = select(StatusPage.slug).where(StatusPage.owner_id.in_(owner_ids))
        clear_slugs(list(db.session.scalars(stmt)))
