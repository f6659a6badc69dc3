"""The overview: servers joined with their status, filtered and sorted in SQL, and counts."""

from sqlalchemy import case, func, select, true

from pulseguard.api.access import visible
from pulseguard.api.history.schemas import DISPLAY_STATUSES, MAINTENANCE, PAUSED
from pulseguard.api.history.strips import strips
from pulseguard.api.pagination import paginate
from pulseguard.extensions import db
from pulseguard.models import Health, Incident, Server, ServerStatus
from pulseguard.models.monitored import (
    active_now,
    alerting_now,
    in_maintenance_now,
    in_window,
    is_active,
    is_in_maintenance,
)
from pulseguard.models.search import matching
from pulseguard.monitoring.uptime import uptime_by_server
from pulseguard.security import credential


def display_status():
    """What the dashboard shows: "paused" for servers not active, "maintenance" for those a
    window covers (as REST's server-status says, `checks: run` or `skip` alike), else the health.
    """
    return case((~active_now(), PAUSED), (~alerting_now(), MAINTENANCE), else_=ServerStatus.health)


def shown_status(server, status) -> str:
    """display_status() of one loaded server and its ServerStatus."""
    if not is_active(server):
        return PAUSED
    return MAINTENANCE if in_window(server) else status.health


def sorts(name):
    """The ORDER BY of a sort name; problems first for "status"."""
    if name == "status":
        severity = case(
            (~active_now(), 5),
            (~alerting_now(), 4),
            (ServerStatus.health == Health.DOWN, 0),
            (ServerStatus.health == Health.DEGRADED, 1),
            (ServerStatus.health == Health.UNKNOWN, 2),
            else_=3,
        )
        return severity, func.lower(Server.name), Server.id
    return SORTS[name]


SORTS = {
    "name": (func.lower(Server.name), Server.id),
    "-name": (func.lower(Server.name).desc(), Server.id.desc()),
    "response_time": (ServerStatus.last_response_time_ms.asc().nulls_last(), Server.id),
    "-response_time": (ServerStatus.last_response_time_ms.desc().nulls_last(), Server.id),
    "last_check": (ServerStatus.last_check_at.asc().nulls_first(), Server.id),
    "-last_check": (ServerStatus.last_check_at.desc().nulls_last(), Server.id),
}


def overview_select(args):
    """Return a select of (Server, ServerStatus) rows matching the overview's filters."""
    stmt = select(Server, ServerStatus).join(ServerStatus, ServerStatus.server_id == Server.id)
    stmt = matching(visible(stmt), args)
    if args.get("status") == PAUSED:
        stmt = stmt.where(~active_now())
    elif args.get("status") == MAINTENANCE:
        stmt = stmt.where(active_now(), ~alerting_now())
    elif "status" in args:
        stmt = stmt.where(alerting_now(), ServerStatus.health == args["status"])
    if "maintenance" in args:
        stmt = stmt.where(in_maintenance_now() if args["maintenance"] else ~in_maintenance_now())
    return stmt.order_by(*sorts(args.get("sort", "status")))


def overview_rows(pairs):
    """Turn (Server, ServerStatus) pairs into overview rows, with uptime per window."""
    figures = uptime_by_server([server.id for server, _ in pairs])
    recent = strips([server.id for server, _ in pairs])
    rows = []
    for server, status in pairs:
        rows.append(
            {
                "id": server.id,
                "name": server.name,
                "protocol": server.protocol,
                "host": server.host,
                "port": server.port,
                "path": server.path,
                "tags": server.tags or [],
                "monitoring": server.monitoring_state,
                "status": shown_status(server, status),
                "measured_status": status.health,
                "health": status.health,
                "in_maintenance": is_in_maintenance(server),
                "message": status.message,
                "last_check": status.last_check_at,
                "response_time": status.last_response_time_ms,
                "uptime": figures[server.id]["uptime"],
                "changed_at": status.changed_at,
                "recent": recent[server.id],
            }
        )
    return rows


def overview_page(stmt, pagination_parameters):
    """Return one page of overview rows (and tell flask-smorest how many there are)."""
    pairs = paginate(
        stmt, pagination_parameters, lambda page: db.session.execute(page).tuples().all()
    )
    return overview_rows(pairs)


def summary(args):
    """Return the number of visible servers per display status, and every tag in use."""
    shown = display_status()
    stmt = select(shown, func.count()).select_from(Server)
    stmt = stmt.join(ServerStatus, ServerStatus.server_id == Server.id)
    stmt = matching(visible(stmt), args).group_by(shown)
    counts = dict.fromkeys(DISPLAY_STATUSES, 0)
    for status, count in db.session.execute(stmt):
        counts[status] = counts.get(status, 0) + count
    maintained = select(func.count()).select_from(Server).where(in_maintenance_now())
    return {
        "total": sum(counts.values()),
        "counts": counts,
        "maintenance": db.session.scalar(matching(visible(maintained), args)),
        "open_incidents": open_incidents(),
        "tags": tags_in_use(),
    }


def open_incidents() -> int:
    """Count the caller's open incidents (an admin's: everyone's), automatic and manual."""
    stmt = select(func.count()).select_from(Incident).where(Incident.state == "open")
    user = credential()
    if not user.is_admin:
        stmt = stmt.where(Incident.owner_id == user.id)
    return db.session.scalar(stmt) or 0


def tags_in_use():
    """Return every tag on a visible server, sorted; unnested by the database, not in Python."""
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    unnest = func.json_each if sqlite else func.json_array_elements_text
    element = unnest(Server.tags).table_valued("value")
    stmt = select(element.c.value).select_from(Server).join(element, true())
    stmt = visible(stmt).distinct()
    return sorted(str(tag) for tag in db.session.scalars(stmt))
