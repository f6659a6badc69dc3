"""A page's Atom 1.0 and RSS 2.0 feeds, written by feedgen (the one module that uses it).

One item per public incident and per announced maintenance, with a stable GUID
`urn:pulseguard:<page>:incident:<opaque id>`. feedgen needs a title, link and description (RSS)
or id (Atom) on the feed itself, and escapes the texts it is given. It (and lxml) is imported at
the first feed, so that web processes that never serve one do not load it.
"""

from flask import url_for

from pulseguard.models.types import utcnow
from pulseguard.pages.ids import opaque


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
    for entry in items(page_id, summary):
        item = generator.add_entry(order="append")
        item.id(entry["guid"])
        item.guid(entry["guid"], permalink=False)
        item.title(entry["title"])
        item.updated(entry["updated"])
        item.content(entry["content"], type="text")
        item.description(entry["content"])
    return generator.atom_str(pretty=True) if kind == "atom" else generator.rss_str(pretty=True)


def items(page_id: str, summary: dict) -> list[dict]:
    """Return the feed items: public incidents, then announced maintenance (newest first)."""
    out = []
    incidents = summary.get("incidents") or {}
    for incident in incidents.get("active", []) + incidents.get("recent", []):
        updates = incident.get("updates") or []
        out.append(
            {
                "guid": f"urn:pulseguard:{page_id}:incident:{incident['id']}",
                "title": incident["title"],
                "updated": updates[0]["created_at"] if updates else incident["started_at"],
                "content": "\n\n".join(u.get("message", "") for u in updates),
            }
        )
    return out[:50]
