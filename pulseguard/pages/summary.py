"""The public summary of a status page (§4), assembled from an allow-list of fields."""

import ipaddress
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Server, ServerStatus
from pulseguard.models.types import utcnow
from pulseguard.monitoring.bars import WINDOWS, daily_bars, timelines, uptime_of
from pulseguard.monitoring.uptime import uptime_by_server
from pulseguard.pages.ids import opaque
from pulseguard.pages.markup import markdown_html

COMPONENT_STATUS = {
    "up": "operational",
    "degraded": "degraded",
    "down": "outage",
    "maintenance": "maintenance",
}
MESSAGES = {
    "major_outage": "Major outage",
    "partial_outage": "Some systems are down",
    "degraded": "Some systems are degraded",
    "maintenance": "Under maintenance",
    "operational": "All systems operational",
}


def overall(statuses) -> str:
    """Return the status of a set of components; unknown ones are left out."""
    known = [s for s in statuses if s != "unknown"]
    if known and all(s == "outage" for s in known):
        return "major_outage"
    if "outage" in known:
        return "partial_outage"
    if "degraded" in known:
        return "degraded"
    if "maintenance" in known:
        return "maintenance"
    return "operational"


def public_host(host: str | None) -> str | None:
    """Return a host name fit to show: never an IP address."""
    if not host:
        return None
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        return host


def page_servers(page) -> dict[int, object]:
    """Return the page owner's servers that the page lists (deleted ones drop out)."""
    ids = page.server_ids()
    if not ids:
        return {}
    stmt = (
        select(
            Server.id,
            Server.name,
            Server.host,
            Server.protocol,
            Server.tls_expires_at,
            ServerStatus.last_response_time_ms,
        )  # fmt: skip
        .outerjoin(ServerStatus, ServerStatus.server_id == Server.id)
        .where(Server.id.in_(ids), Server.owner_id == page.owner_id)
    )
    return {row.id: row for row in db.session.execute(stmt)}


def component_id(page, server_id: int) -> str:
    return opaque("c", page.id, server_id)


def layout(page):
    """Yield (group name, [(server row, display name, component id)]) in page order."""
    servers = page_servers(page)
    for group in page.groups or []:
        items = [
            (servers[item["server"]], item.get("display_name"), component_id(page, item["server"]))
            for item in group["servers"]
            if item["server"] in servers
        ]
        yield group["name"], items


def summary(page, now=None) -> dict:
    """Return the page's public summary JSON."""
    now = now or utcnow()
    groups = list(layout(page))
    ids = [row.id for _name, items in groups for row, _d, _c in items]
    lines = timelines(ids, (now - WINDOWS["90d"]).date())
    response = uptime_by_server(ids, now) if page.show_response_time else {}
    out_groups = []
    for name, items in groups:
        components = []
        for row, display_name, cid in items:
            line = lines[row.id]
            component = {
                "id": cid,
                "name": display_name or row.name,
                "status": COMPONENT_STATUS.get(line.state, "unknown"),
                "since": line.since.isoformat(),
                "uptime": uptime_of(line, now) if page.show_uptime else None,
                "response_time_ms": None,
                "cert_days_remaining": None,
            }
            if page.show_response_time and row.id in response:
                component["response_time_ms"] = response[row.id]["avg_response_time"]
            if page.show_cert_expiry and row.protocol == "https" and row.tls_expires_at:
                component["cert_days_remaining"] = (row.tls_expires_at - now) // timedelta(days=1)
            if page.show_hostnames:
                component["host"] = public_host(row.host)
            components.append(component)
        status = overall(c["status"] for c in components)
        out_groups.append({"name": name, "status": status, "components": components})
    status = overall(c["status"] for g in out_groups for c in g["components"])
    return {
        "slug": page.slug,
        "title": page.title,
        "description_html": markdown_html(page.description),
        "generated_at": now.isoformat(),
        "timezone": page.timezone,
        "theme": page.theme,
        "logo_url": page.logo_url,
        "footer_text": page.footer_text,
        "refresh_seconds": page.refresh_seconds,
        "overall": {"status": status, "message": MESSAGES[status]},
        "groups": out_groups,
        "incidents": {"active": [], "recent": []} if page.show_incidents else None,
        "maintenance": {"active": [], "upcoming": []} if page.show_maintenance else None,
    }


def uptime_bars(page, days: int, now=None) -> dict:
    """Return the page's daily bars: {"timezone", "days", "components": {id: [bar, ...]}}."""
    items = [(row.id, cid) for _name, group in layout(page) for row, _d, cid in group]
    dates, bars = daily_bars([sid for sid, _c in items], ZoneInfo(page.timezone), days, now)
    components = {cid: [b | {"incidents": []} for b in bars[sid]] for sid, cid in items}
    return {"timezone": page.timezone, "days": dates, "components": components}
