"""Fast path: a status page's cached public summary JSON, answered before Flask.

GET/HEAD /api/public/status-pages/<slug>/ is what a crowd reads; once pagecache.py holds a fresh
copy, Flask's own request path (context, routing, hooks) costs more than the answer. This handler
sends what Flask would for that copy, byte for byte: 200, or 304 for a matching If-None-Match,
with the same headers (ETag, Cache-Control, CORS `*`, the security headers, HSTS over https), and
records the request in the metrics as Flask's after_request hook would.

One Redis round trip counts the request in the public rate limit and peeks at the cache: its
fresh marker and the stored ETag (the entry's first 64 bytes). The body itself is kept in this
process, keyed by that ETag, so that it crosses from Redis only when the page changed: every
answer is still the copy Redis holds at that moment (a status change reaches it exactly as it
reaches Flask's path).

Anything else is handed on to Flask unchanged: no REDIS_URL, another method or path, a query
string, a body, credentials, a copy that is stale or missing (Flask rebuilds it under the cache's
single-flight marker), a Redis error. A request counted here and handed on carries the count's
result in its environ (ratelimit.COUNTED): over the limit, Flask sends the 429; it never counts
a request twice.
"""

import re
import time

from redis import RedisError
from werkzeug.http import parse_etags

from pulseguard import metrics, pagecache, ratelimit
from pulseguard.headers import HEADERS, STRICT_CSP
from pulseguard.redis_client import redis_connection

PATH = re.compile(r"/api/public/status-pages/([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)/")
ENDPOINT = "public_pages.page_summary"
CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=60"
HSTS = ("Strict-Transport-Security", "max-age=31536000")
# Flask hands these on to its own parts (credentials, bodies): never answered here.
REFUSED = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY", "HTTP_TRANSFER_ENCODING")
KEPT = 64  # page copies kept in this process (slugs); past that they are all forgotten


class Copy:
    """A cached page as this process answers it: the body and both answers' headers."""

    __slots__ = ("etag", "body", "ok", "not_modified")

    def __init__(self, stored: bytes):
        self.etag = stored[: pagecache.ETAG_LEN]
        self.body = stored[pagecache.ETAG_LEN :]
        tag = ("ETag", f'"{self.etag.decode()}"')
        after = [
            tag,
            ("Cache-Control", CACHE_CONTROL),
            ("Access-Control-Allow-Origin", "*"),
            *HEADERS.items(),
            ("Content-Security-Policy", STRICT_CSP),
        ]
        length = ("Content-Length", str(len(self.body)))
        self.ok = [("Content-Type", "application/json"), length, *after]
        self.not_modified = after


def make(app):
    """Build the handler for one app (its config is read per request: tests change it)."""
    config = app.config
    rule = next(r.rule for r in app.url_map.iter_rules() if r.endpoint == ENDPOINT)
    copies: dict[str, Copy] = {}  # slug -> its last copy seen, checked by ETag

    def handler(environ, start_response):
        method = environ["REQUEST_METHOD"]
        url = config.get("REDIS_URL")
        if (
            (method != "GET" and method != "HEAD")
            or not url
            or environ.get("QUERY_STRING")
            or environ.get("CONTENT_LENGTH", "0") not in ("", "0")
            or any(name in environ for name in REFUSED)
        ):
            return None
        found = PATH.fullmatch(environ.get("PATH_INFO", ""))
        if found is None:
            return None
        slug = found[1]
        limited = "pulseguard_limiter" in app.extensions
        client = redis_connection(url)
        marker_key, body_key = f"{pagecache.PREFIX}-fresh:{slug}", f"{pagecache.PREFIX}:{slug}"
        try:
            pipe = client.pipeline(transaction=False)
            if limited:
                address = environ.get("REMOTE_ADDR") or "127.0.0.1"  # get_remote_address
                counted = ratelimit.public_counters(config, address, time.time())
                ratelimit.count_public(pipe, counted)
            pipe.exists(marker_key)
            pipe.getrange(body_key, 0, pagecache.ETAG_LEN - 1)
            answers = pipe.execute()
        except RedisError:
            return None  # Flask counts it and computes the page, as it does without Redis
        *counts, fresh, etag = answers
        if limited:
            wait = ratelimit.public_wait(counts, counted)
            environ[ratelimit.COUNTED] = wait
            if wait is not None:
                return None  # Flask answers the 429
        if not fresh or len(etag) != pagecache.ETAG_LEN:
            return None  # stale (one request rebuilds it) or none: pagecache.fetch decides
        copy = copies.get(slug)
        if copy is None or copy.etag != etag:
            try:
                stored = client.get(body_key)
            except RedisError:
                return None
            if stored is None or stored[: pagecache.ETAG_LEN] != etag:
                return None  # changed meanwhile: let Flask read it again
            if len(copies) >= KEPT:
                copies.clear()
            copy = copies[slug] = Copy(stored)
        secure = environ.get("wsgi.url_scheme") == "https"
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match is not None and parse_etags(match).contains(copy.etag.decode()):
            status, code, headers, body = "304 NOT MODIFIED", 304, copy.not_modified, b""
        else:
            status, code, headers, body = "200 OK", 200, copy.ok, copy.body
        start_response(status, headers + [HSTS] if secure else headers)
        metrics.observe_request(method, rule, code, config)
        return [body] if method == "GET" else []

    return handler
