"""Public answers: found only when published, strong ETags, 304s, cache headers and CORS `*`."""

import hashlib
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
    body = pagecache.get(slug)
    if body is None:
        page = published_page(slug)
        now = utcnow()
        shown, boundary = build(page, now)
        body = dumps(shown)
        # A window that starts or ends before the TTL is over expires the entry then.
        until = None if boundary is None else (boundary - now).total_seconds()
        pagecache.put(slug, body, page.server_ids(), until)
    return body


def conditional(body: bytes, mimetype: str, cache_control: str) -> Response:
    """Answer a body with a strong ETag (its sha256), or 304 when the client has it already."""
    etag = hashlib.sha256(body).hexdigest()
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
