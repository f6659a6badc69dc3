"""A page's public incidents (§3, §4): only `public: true` ones, of the servers the page shows
(an automatic incident's server, or one of the servers a manual incident names), and manual
ones that name the page in `status_pages` (an announcement, with or without servers).

Each is rebuilt field by field: an opaque id, the title (an automatic title names the server as
the page does, by its display name), severity, state, times, the components it touched and its
public updates. Never its `cause`, category, acknowledgement, notes or private updates.
"""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from pulseguard.extensions import db
from pulseguard.models import Incident
from pulseguard.models.incident import incident_servers
from pulseguard.monitoring import incidents as monitoring_incidents
from pulseguard.pages.ids import opaque
from pulseguard.pages.markup import markdown_html

RECENT = timedelta(days=7)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


CURSOR = r"^[0-9]{1,16}~i_[0-9A-Za-z]{10}$"  # 16 digits of microseconds reach the year 2286


def parse_cursor(text: str) -> tuple[datetime, str] | None:
    """Return (started_at, opaque id) of a history cursor, or None when it is not one."""
    if not re.fullmatch(CURSOR, text):
        return None
    at, _sep, oid = text.partition("~")
    return EPOCH + int(at) * MICROSECOND, oid


def public_updates(incident_ids) -> dict[int, list]:
    """Return {incident id: [its public updates, newest first]} (none until updates exist)."""
    source = getattr(monitoring_incidents, "public_updates", None)
    if source is None:  # incident updates are not in this version yet
        return {}
    return source(list(incident_ids))


def announced_to(page) -> list[int]:
    """Return the ids of the public manual incidents that name this page in `status_pages`.

    `status_pages` is a JSON list (no portable "contains" in SQL across SQLite and PostgreSQL),
    so the owner's public manual incidents that name any page are read and filtered here: they
    are announcements, written by people, a few per page and year.
    """
    stmt = select(Incident.id, Incident.status_pages).where(
        Incident.owner_id == page.owner_id,
        Incident.kind == "manual",
        Incident.public.is_(True),
    )
    return [row.id for row in db.session.execute(stmt) if page.id in (row.status_pages or ())]


def about(page, server_ids):
    """SQL condition: the incident concerns one of these servers (automatic or manual), or is
    announced to the page."""
    named = select(incident_servers.c.incident_id).where(
        incident_servers.c.server_id.in_(server_ids)
    )
    return or_(
        Incident.server_id.in_(server_ids),
        Incident.id.in_(named),
        Incident.id.in_(announced_to(page)),
    )


def public_query(page, server_ids):
    """Select the public incidents of these servers and those announced to the page, newest
    first."""
    return (
        select(Incident)
        .where(Incident.public.is_(True), about(page, server_ids))
        .options(selectinload(Incident.servers))  # manual ones' server_ids: one query, not N
        .order_by(Incident.started_at.desc(), Incident.id.desc())
    )


def public_title(incident, names: dict[int, str], real_names: dict[int, str]) -> str:
    """Return an incident's title, naming its server as the page does."""
    sid = incident.server_id
    if incident.kind == "auto" and sid in names:
        for word in ("down", "degraded"):
            if incident.title == f"{real_names[sid]} is {word}":
                return f"{names[sid]} is {word}"
    return incident.title


def public_incident(page, incident, components, updates) -> dict:
    """Return one incident as a page shows it. components: {server id: (cid, name, real name)}."""
    names = {sid: c[1] for sid, c in components.items()}
    real = {sid: c[2] for sid, c in components.items()}
    return {
        "id": opaque("i", page.id, incident.id),
        "title": public_title(incident, names, real),
        "severity": incident.severity,
        "state": incident.state,
        "started_at": incident.started_at.isoformat(),
        "resolved_at": incident.resolved_at.isoformat() if incident.resolved_at else None,
        "components": [components[s][0] for s in incident.server_ids if s in components],
        "updates": [
            {
                "created_at": u.created_at.isoformat(),
                "status": u.status,
                "message_html": markdown_html(u.message),
            }
            for u in updates.get(incident.id, [])
        ],
    }


def rendered(page, rows, components) -> list[dict]:
    updates = public_updates(i.id for i in rows)
    return [public_incident(page, i, components, updates) for i in rows]


def current(page, components, now: datetime) -> tuple[dict, list[tuple[str, list[str]]]]:
    """Return ({"active": open public incidents, "recent": those resolved in the last 7 days},
    [(severity, component ids) of each open manual one]: what the banner follows, banner.py)."""
    stmt = public_query(page, list(components)).where(
        or_(Incident.state == "open", Incident.resolved_at >= now - RECENT)
    )
    rows = list(db.session.scalars(stmt))
    out = rendered(page, rows, components)
    announced = [
        (row.severity, shown["components"])
        for row, shown in zip(rows, out, strict=True)
        if row.kind == "manual" and row.state == "open"
    ]
    return {
        "active": [i for i in out if i["state"] == "open"],
        "recent": [i for i in out if i["state"] != "open"],
    }, announced


def history(page, components, cursor=None, limit: int = 20, since=None):
    """Return (up to `limit` public incidents after the cursor, newest first; the next cursor).

    A cursor is `<started_at in µs since the epoch>~<opaque id>` of the last incident shown
    (URL-safe as it is; the order is
    (started_at, opaque id) descending), so that incidents that started at the same instant
    page correctly without revealing their database ids.
    """
    stmt = public_query(page, list(components))
    if since is not None:
        stmt = stmt.where(or_(Incident.updated_at >= since, Incident.started_at >= since))
    older = stmt if cursor is None else stmt.where(Incident.started_at < cursor[0])
    rows = list(db.session.scalars(older.limit(limit + 1)))
    # Every incident that started with the cursor's or with the last one, whatever its db id.
    edges = {rows[-1].started_at} if rows else set()
    if cursor is not None:
        edges.add(cursor[0])
    known = {i.id for i in rows}
    for edge in edges:
        rows += [i for i in db.session.scalars(stmt.where(Incident.started_at == edge))
                 if i.id not in known]  # fmt: skip
        known = {i.id for i in rows}
    keyed = sorted(
        ((i.started_at, opaque("i", page.id, i.id), i) for i in rows),
        key=lambda k: (k[0], k[1]),
        reverse=True,
    )
    if cursor is not None:
        keyed = [k for k in keyed if (k[0], k[1]) < cursor]
    shown = [i for _at, _oid, i in keyed[:limit]]
    after = None
    if len(keyed) > limit:
        at, oid, _i = keyed[limit - 1]
        after = f"{(at - EPOCH) // MICROSECOND}~{oid}"
    return rendered(page, shown, components), after


def on_days(page, components, first: datetime, now: datetime) -> list[tuple]:
    """Return (server ids, opaque id, start, end) of public incidents overlapping [first, now).

    An automatic incident marks its server's bars, a manual one those of the servers it names
    on this page; one announced to the page that names none of its servers marks every
    component of the page (the whole page was concerned).
    """
    stmt = (
        public_query(page, list(components))
        .where(Incident.started_at < now)
        .where(or_(Incident.resolved_at.is_(None), Incident.resolved_at >= first))
    )
    out = []
    for incident in db.session.scalars(stmt):
        sids = [sid for sid in incident.server_ids if sid in components] or list(components)
        end = incident.resolved_at or now
        out.append((sids, opaque("i", page.id, incident.id), incident.started_at, end))
    return out
