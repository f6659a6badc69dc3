"""The public HTML page and its feeds, under /status/<slug>."""

import json
from zoneinfo import ZoneInfo

from flask import render_template

from pulseguard.pages import bp
from pulseguard.pages.answers import conditional, published_page, summary_body
from pulseguard.pages.bar_markup import bars_html
from pulseguard.pages.feeds import feed
from pulseguard.pages.local_time import local_text
from pulseguard.pages.summary import uptime_bars

FEED_CACHE = "public, max-age=300"


@bp.get("/status/<slug>")
def page(slug):
    """Show a published page, rendered on the server: it works without JavaScript."""
    page = published_page(slug)
    summary = json.loads(summary_body(slug))
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
    return conditional(html.encode(), "text/html", "public, max-age=30")


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
