"""Public answers: found only when published, strong ETags, 304s, cache headers and CORS `*`."""

import json

from flask import Response, request
from flask_smorest import abort
from sqlalchemy import select

import pulseguard.pagecache as pagecache
from pulseguard.extensions import db
from pulseguard.models import StatusPage
from pulseguard.models.types import utcnow
from pulseguard.pages.summary import build

NOT_FOUND = "Status page not found."  # the same for unknown and unpublished slugs


def published_page(slug: str) -> StatusPage:
    """Return the published page of a slug, or the one 404 every hidden or missing page gets."""
    page = db.session.scalar(
        select(StatusPage).where(StatusPage.slug == slug, StatusPage.published.is_(True))
    )
    if page is None:
        abort(404, message=NOT_FOUND)
    assert page is not None  # abort raised
    return page


def dumps(value) -> bytes:
    """Return compact JSON bytes."""
    return json.dumps(value, separators=(",", ":")).encode()


def summary_body(slug: str) -> bytes:
    """Return the summary JSON of a published page, from the cache when it is there."""
    return summary_entry(slug)[0]


def summary_entry(slug: str) -> tuple[bytes, str]:
    """Return (summary JSON, its ETag) of a published page, from the cache when it is there."""

    def load() -> list[int]:
        return published_page(slug).server_ids()

    def rebuild() -> tuple[bytes, float | None]:
        # A new transaction: SQLite would still read the snapshot load() began, from before the
        # page's servers were filed (a change in between would clear nothing and be missed).
        db.session.rollback()
        page = published_page(slug)
        now = utcnow()
        shown, boundary = build(page, now)
        # A window that starts or ends before the TTL is over expires the entry then.
        until = None if boundary is None else (boundary - now).total_seconds()
        return dumps(shown), until

    return pagecache.fetch(slug, load, rebuild)


def conditional(
    body: bytes, mimetype: str, cache_control: str, etag: str | None = None
) -> Response:
    """Answer a body with a strong ETag (its sha256, computed unless given), or 304 when the
    client has it already."""
    etag = etag or pagecache.etag_of(body)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    return public(response)


def public(response: Response) -> Response:
    """Let any site read a public answer (no credentials are ever involved)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
