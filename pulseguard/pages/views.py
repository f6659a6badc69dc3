"""The public HTML page and its feeds, under /status/<slug>."""

import json
from zoneinfo import ZoneInfo

from flask import render_template

import pulseguard.pagecache as pagecache
from pulseguard.extensions import db
from pulseguard.models.types import utcnow
from pulseguard.pages import bp, maintenance
from pulseguard.pages.answers import conditional, published_page, summary_body
from pulseguard.pages.bar_markup import bars_html
from pulseguard.pages.feeds import feed
from pulseguard.pages.local_time import local_text
from pulseguard.pages.summary import page_servers, uptime_bars

FEED_CACHE = "public, max-age=300"


@bp.get("/status/<slug>")
def page(slug):
    """Show a published page, rendered on the server: it works without JavaScript.

    The rendered HTML is cached like the summary JSON (pagecache: single-flight, stale copy
    while one request rebuilds, its ETag stored with it), under `<slug>.html`: a 500-server
    page costs ~200 ms to render (bars, their markup, the template), a cached one nothing.
    Whatever clears the JSON clears it too (the same servers filed, the same slug cleared).
    """

    def load() -> list[int]:
        return published_page(slug).server_ids()

    def rebuild() -> tuple[bytes, float | None]:
        db.session.rollback()  # a new snapshot, as answers.summary_entry explains
        return rendered(published_page(slug))

    body, etag = pagecache.fetch(slug + pagecache.HTML_SUFFIX, load, rebuild)
    return conditional(body, "text/html", "public, max-age=30", etag)


def rendered(page) -> tuple[bytes, float | None]:
    """Return (the page's HTML, in how many seconds a maintenance window changes it, or None)."""
    summary = json.loads(summary_body(page.slug))
    bars = uptime_bars(page, page.bar_days) if page.show_bars else None
    items = bars_html(bars["components"], bars["timezone"]) if bars else {}
    html = render_template(
        "status/page.html",
        page=summary,
        bars=bars,
        bar_items=items,
        zone=ZoneInfo(summary["timezone"]),
        local_text=local_text,
    )
    now = utcnow()
    boundary = None
    if page.show_maintenance:
        windows = maintenance.page_windows(page, page_servers(page).values())
        boundary = maintenance.next_boundary(windows, now)
    return html.encode(), None if boundary is None else (boundary - now).total_seconds()


@bp.get("/status/<slug>/feed.atom")
def feed_atom(slug):
    """Return the page's Atom feed."""
    page = published_page(slug)
    body = feed(page, json.loads(summary_body(slug)), "atom")
    return conditional(body, "application/atom+xml", FEED_CACHE)


@bp.get("/status/<slug>/feed.rss")
def feed_rss(slug):
    """Return the page's RSS feed."""
    page = published_page(slug)
    body = feed(page, json.loads(summary_body(slug)), "rss")
    return conditional(body, "application/rss+xml", FEED_CACHE)
