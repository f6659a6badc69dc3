"""A page's Atom 1.0 and RSS 2.0 feeds, written by feedgen (the one module that uses it).

One item per public incident created or updated in the last 90 days (at most 50) and per
announced maintenance, with a stable GUID `urn:pulseguard:<page>:incident:<opaque id>` (or
`:maintenance:`). `updated` is the last public update; the content is the public updates, as
HTML that feedgen escapes. feedgen needs a title, link and description (RSS) or id (Atom) on the
feed itself. It (and lxml) is imported at the first feed, so that web processes that never serve
one do not load it.
"""

from datetime import timedelta

from flask import url_for

from pulseguard.models.types import utcnow
from pulseguard.pages import incidents
from pulseguard.pages.ids import opaque
from pulseguard.pages.summary import page_components

HISTORY = timedelta(days=90)
MOST = 50


def feed(page, summary: dict, kind: str) -> bytes:
    """Return the page's feed as Atom (`kind="atom"`) or RSS (`kind="rss"`) bytes."""
    from feedgen.feed import FeedGenerator

    page_id = opaque("p", page.id, page.id)
    generator = FeedGenerator()
    generator.id(f"urn:pulseguard:{page_id}")
    generator.title(page.title)
    generator.link(
        href=url_for("status_html.page", slug=page.slug, _external=True), rel="alternate"
    )
    generator.description(f"{page.title}: incidents and maintenance")
    generator.updated(utcnow())
    shown = []
    if page.show_incidents:
        shown, _next = incidents.history(
            page, page_components(page), None, MOST, since=utcnow() - HISTORY
        )
    for entry in items(page_id, shown, summary.get("maintenance")):
        item = generator.add_entry(order="append")
        item.id(entry["guid"])
        item.guid(entry["guid"], permalink=False)
        item.title(entry["title"])
        item.updated(entry["updated"])
        if entry["content"]:
            item.content(entry["content"], type="html")
            item.description(entry["content"])
        else:
            item.description(entry["title"])
    return generator.atom_str(pretty=True) if kind == "atom" else generator.rss_str(pretty=True)


def items(page_id: str, shown: list[dict], maintenance: dict | None) -> list[dict]:
    """Return the feed items: public incidents (newest first), then announced maintenance."""
    out = []
    for incident in shown:
        updates = incident["updates"]
        last = updates[0]["created_at"] if updates else None
        out.append(
            {
                "guid": f"urn:pulseguard:{page_id}:incident:{incident['id']}",
                "title": incident["title"],
                "updated": last or incident["resolved_at"] or incident["started_at"],
                "content": "\n".join(
                    f"<p><strong>{u['status']}</strong> ({u['created_at']})</p>{u['message_html']}"
                    for u in updates
                ),
            }
        )
    for window in (maintenance or {}).get("active", []) + (maintenance or {}).get("upcoming", []):
        out.append(
            {
                "guid": f"urn:pulseguard:{page_id}:maintenance:{window['id']}:{window['start']}",
                "title": f"Maintenance: {window['title']} ({window['start']} to "
                f"{window['end'] or 'further notice'})",
                "updated": window["start"],
                "content": window["description_html"],
            }
        )
    return out[: MOST * 2]
