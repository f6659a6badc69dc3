"""The public status-page JSON, cached per slug: in Redis when REDIS_URL is set, else in process.

An entry is fresh for PUBLIC_CACHE_TTL_S (30 s) and is then kept STALE_S longer as a stale copy.
Its ETag (the sha256 of the body) is stored with it, so a request never hashes the body. Once an
entry is no longer fresh, one request rebuilds it (a `SET NX` marker per slug, BUILD_S at most)
while every other one serves the stale copy: a page's summary is built once per expiry, not once
per request in flight. A rebuild stores its result only while its marker is still there, so one
that started before a clear never puts an older page back.

Each entry also files its slug under every server the page shows, so that whatever changes what a
page shows clears exactly the pages concerned, at once. Clearing is hard (the copy is gone: edits,
unpublishing, deletions, incident text) or soft for status changes and maintenance sweeps (the copy
turns stale: the next request rebuilds it, the ones during that rebuild still see the previous
statuses for the ~100 ms it takes). A maintenance window clears every page of its owner
(monitoring/maintenance.py when one starts or ends, the windows' routes on any edit). It sits
below recording (monitoring/record.py clears it after each commit with transitions) and the API.
A Redis failure is logged and means "not cached": the page is computed, never refused.
"""

import hashlib
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from redis import RedisError
from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import StatusPage
from pulseguard.redis_client import redis_connection

log = logging.getLogger(__name__)
PREFIX = "pulseguard:page"
STALE_S = 60  # as long as the answers' stale-while-revalidate
BUILD_S = 10  # a rebuilder that died frees its slug after this
WAIT_S, WAIT_STEP_S = 2.0, 0.02  # no copy at all while another request builds: wait for it
ETAG_LEN = 64
# A page's rendered HTML is cached beside its JSON under `<slug>.html` (pages/views.py): clearing
# a slug clears both ('.' is never in a slug).
HTML_SUFFIX = ".html"
# A rebuild in two steps: load() finds the page (or raises) and names the servers it shows, which
# are filed before build() reads their statuses, so that a change from then on clears it; build()
# returns the body and in how many seconds it stops being true (the next start or end of a
# window it shows), or None.
Load = Callable[[], list[int]]
Build = Callable[[], tuple[bytes, float | None]]
# Stores the body (ETag first) and marks it fresh, only if the caller's marker is still there.
PUT_IF_OURS = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('SET', KEYS[1], 'fresh', 'EX', ARGV[4])
return 1
"""
DEL_IF_OURS = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end"


@dataclass
class _Entry:
    etag: str
    body: bytes
    fresh_until: float
    expires: float


# In process (no Redis): slug -> entry; slug -> (rebuilder's token, deadline); server id -> slugs.
_local: dict[str, _Entry] = {}
_building: dict[str, tuple[object, float]] = {}
_local_index: dict[int, set[str]] = {}


def _redis():
    url = current_app.config.get("REDIS_URL")
    return redis_connection(url) if url else None


def _ttls(until: float | None) -> tuple[int, int]:
    """Return (seconds fresh, seconds kept): fresh for the TTL or until `until` when sooner."""
    longest = int(current_app.config.get("PUBLIC_CACHE_TTL_S", 30))
    fresh = longest if until is None else max(1, min(longest, math.ceil(until)))
    return fresh, longest + STALE_S


def etag_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def fetch(slug: str, load: Load, build: Build) -> tuple[bytes, str]:
    """Return (body, ETag) of a page: cached, stale while another request rebuilds it, or built
    now by `load` and `build` (which may raise, e.g. a 404 for an unpublished page: nothing is
    cached then)."""
    client = _redis()
    if client is None:
        return _fetch_local(slug, load, build)
    marker_key, body_key = f"{PREFIX}-fresh:{slug}", f"{PREFIX}:{slug}"
    try:
        marker, stored = client.mget(marker_key, body_key)
        if stored is not None and marker is not None:
            return _split(stored)
        token = "b:" + secrets.token_hex(8)
        if not client.set(marker_key, token, nx=True, ex=BUILD_S):
            if stored is not None:
                return _split(stored)  # someone else rebuilds it
            return _wait(client, body_key, load, build)
    except RedisError as error:
        log.warning("Page cache unavailable: %s", error)
        return _uncached(load, build)
    kept = _ttls(None)[1]
    try:
        server_ids = load()
        try:
            pipe = client.pipeline(transaction=False)
            for sid in server_ids:
                pipe.sadd(f"{PREFIX}-servers:{sid}", slug)
                pipe.expire(f"{PREFIX}-servers:{sid}", kept * 2)
            pipe.execute()
        except RedisError as error:
            log.warning("Page cache unavailable: %s", error)
        body, until = build()
    except BaseException:
        _forget_marker(client, marker_key, token)
        raise
    etag = etag_of(body)
    try:
        script = client.register_script(PUT_IF_OURS)
        script(
            keys=[marker_key, body_key], args=[token, etag.encode() + body, kept, _ttls(until)[0]]
        )
    except RedisError as error:
        log.warning("Page cache unavailable: %s", error)
    return body, etag


def _uncached(load: Load, build: Build) -> tuple[bytes, str]:
    load()
    body = build()[0]
    return body, etag_of(body)


def _split(stored: bytes) -> tuple[bytes, str]:
    return stored[ETAG_LEN:], stored[:ETAG_LEN].decode()


def _forget_marker(client, marker_key: str, token: str) -> None:
    try:
        client.eval(DEL_IF_OURS, 1, marker_key, token)
    except RedisError as error:
        log.warning("Page cache unavailable: %s", error)


def _wait(client, body_key: str, load: Load, build: Build) -> tuple[bytes, str]:
    """No copy to serve while another request builds one: wait for it, or build one (uncached)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_S)
        stored = client.get(body_key)
        if stored is not None:
            return _split(stored)
    return _uncached(load, build)


def _fetch_local(slug: str, load: Load, build: Build) -> tuple[bytes, str]:
    now = time.monotonic()
    entry = _local.get(slug)
    if entry is not None and entry.expires <= now:
        del _local[slug]
        entry = None
    if entry is not None and entry.fresh_until > now:
        return entry.body, entry.etag
    building = _building.get(slug)
    if building is not None and building[1] > now:
        if entry is not None:
            return entry.body, entry.etag
        deadline = now + WAIT_S
        while time.monotonic() < deadline and slug in _building:
            time.sleep(WAIT_STEP_S)  # a greenlet (or thread) of this process is building it
            if slug in _local:
                return _local[slug].body, _local[slug].etag
        return _uncached(load, build)
    token = object()
    _building[slug] = (token, now + BUILD_S)
    try:
        for sid in load():
            _local_index.setdefault(sid, set()).add(slug)
        body, until = build()
    finally:
        ours = _building.get(slug, (None, 0.0))[0] is token
        if ours:
            del _building[slug]
    etag = etag_of(body)
    if ours:
        fresh, kept = _ttls(until)
        done = time.monotonic()
        _local[slug] = _Entry(etag, body, done + fresh, done + kept)
    return body, etag


def clear_slugs(slugs, soft: bool = False) -> None:
    """Forget the cached pages of these slugs (soft: keep them as stale copies)."""
    slugs = [s for s in slugs if s]
    slugs += [s + HTML_SUFFIX for s in slugs if not s.endswith(HTML_SUFFIX)]
    client = _redis()
    if client is None:
        for slug in slugs:
            _building.pop(slug, None)
            entry = _local.get(slug) if soft else _local.pop(slug, None)
            if soft and entry is not None:
                entry.fresh_until = 0.0
        return
    if slugs:
        keys = [f"{PREFIX}-fresh:{s}" for s in slugs]
        if not soft:
            keys += [f"{PREFIX}:{s}" for s in slugs]
        try:
            client.delete(*keys)
        except RedisError as error:
            log.warning("Page cache unavailable: %s", error)


def clear_servers(server_ids, soft: bool = False) -> None:
    """Forget the cached pages that show any of these servers (soft: keep them as stale copies,
    for a status change: the next request rebuilds it while the others serve the copy)."""
    server_ids = sorted(set(server_ids))
    if not server_ids:
        return
    client = _redis()
    if client is None:
        take = _local_index.get if soft else _local_index.pop  # a stale copy stays filed
        clear_slugs({slug for sid in server_ids for slug in take(sid, ())}, soft)
        return
    try:
        keys = [f"{PREFIX}-servers:{sid}" for sid in server_ids]
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.smembers(key)
        slugs = {s.decode() for members in pipe.execute() for s in members}
    except RedisError as error:
        log.warning("Page cache unavailable: %s", error)
        return
    clear_slugs(slugs, soft)


def clear_owners(owner_ids, soft: bool = False) -> None:
    """Forget the cached pages of these users (a maintenance window shows on its owner's pages)."""
    owner_ids = sorted(set(owner_ids))
    if owner_ids:
        stmt = select(StatusPage.slug).where(StatusPage.owner_id.in_(owner_ids))
        clear_slugs(list(db.session.scalars(stmt)), soft)
