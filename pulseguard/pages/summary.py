"""The public summary of a status page (§4), assembled from an allow-list of fields."""

import ipaddress
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Server, ServerStatus
from pulseguard.models.types import utcnow
from pulseguard.monitoring.bars import WINDOWS, daily_bars, local_days, timelines, uptime_of
from pulseguard.monitoring.uptime import uptime_by_server
from pulseguard.pages import incidents, maintenance
from pulseguard.pages.banner import MESSAGES, worst
from pulseguard.pages.ids import opaque
from pulseguard.pages.markup import markdown_html

COMPONENT_STATUS = {
    "up": "operational",
    "degraded": "degraded",
    "down": "outage",
    "maintenance": "maintenance",
}


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
            Server.owner_id,
            Server.tags,
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


def layout(page, servers=None):
    """Yield (group name, [(server row, display name, component id)]) in page order."""
    servers = page_servers(page) if servers is None else servers
    for group in page.groups or []:
        items = [
            (servers[item["server"]], item.get("display_name"), component_id(page, item["server"]))
            for item in group["servers"]
            if item["server"] in servers
        ]
        yield group["name"], items


def components_of(groups) -> dict[int, tuple[str, str, str]]:
    """Return {server id: (component id, name shown, real name)} of a page's layout."""
    return {
        row.id: (cid, display_name or row.name, row.name)
        for _name, items in groups
        for row, display_name, cid in items
    }


def page_components(page) -> dict[int, tuple[str, str, str]]:
    """Return {server id: (component id, name shown, real name)} of the servers a page shows."""
    return components_of(layout(page))


def summary(page, now=None) -> dict:
    """Return the page's public summary JSON."""
    return build(page, now)[0]


def build(page, now=None) -> tuple[dict, datetime | None]:
    """Return (the page's public summary JSON, the next moment maintenance changes it)."""
    now = now or utcnow()
    servers = page_servers(page)
    groups = list(layout(page, servers))
    components = components_of(groups)
    windows = maintenance.page_windows(page, servers.values()) if page.show_maintenance else []
    ids = [row.id for _name, items in groups for row, _d, _c in items]
    lines = timelines(ids, (now - WINDOWS["90d"]).date())
    response = uptime_by_server(ids, now) if page.show_response_time else {}
    out_groups = []
    for name, items in groups:
        shown = []
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
            shown.append(component)
        out_groups.append({"name": name, "status": "operational", "components": shown})
    happening, announced = (
        incidents.current(page, components, now) if page.show_incidents else (None, [])
    )
    for group in out_groups:
        mine = {c["id"] for c in group["components"]}
        named = [severity for severity, cids in announced if mine.intersection(cids)]
        group["status"] = worst((c["status"] for c in group["components"]), named)
    every = (c["status"] for g in out_groups for c in g["components"])
    status = worst(every, [severity for severity, _cids in announced])
    ids_of = {sid: c[0] for sid, c in components.items()}
    shown_windows = maintenance.announced(page, windows, ids_of, now)
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
        "incidents": happening,
        "maintenance": shown_windows if page.show_maintenance else None,
    }, maintenance.next_boundary(windows, now)


def uptime_bars(page, days: int, now=None) -> dict:
    """Return the page's daily bars: {"timezone", "days", "components": {id: [bar, ...]}}."""
    now = now or utcnow()
    groups = list(layout(page))
    items = [(row.id, cid) for _name, group in groups for row, _d, cid in group]
    tz = ZoneInfo(page.timezone)
    dates, bars = daily_bars([sid for sid, _c in items], tz, days, now)
    marks = day_incidents(page, components_of(groups), local_days(tz, days, now), now)
    plain: dict[int, dict] = {}  # one copy per shared bar (see daily_bars), without incidents

    def shown(sid, b):
        ids = marks.get((sid, b["date"]))
        if ids:
            return b | {"incidents": ids}
        if id(b) not in plain:
            plain[id(b)] = b | {"incidents": []}
        return plain[id(b)]

    components = {cid: [shown(sid, b) for b in bars[sid]] for sid, cid in items}
    return {"timezone": page.timezone, "days": dates, "components": components}


def day_incidents(page, components, days, now) -> dict[tuple[int, str], list[str]]:
    """Return {(server id, date): [ids of the public incidents on that day]}."""
    if not page.show_incidents or not days:
        return {}
    marks: dict[tuple[int, str], list[str]] = {}
    for sids, oid, start, end in incidents.on_days(page, components, days[0][1], now):
        for day, day_start, day_end in days:
            if start < day_end and end >= day_start:
                for sid in sids:
                    marks.setdefault((sid, day.isoformat()), []).append(oid)
    return marks
