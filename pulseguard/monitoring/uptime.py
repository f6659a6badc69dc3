"""Uptime and average response time over 24 h / 7 d / 30 d, read from hourly rollups."""

from datetime import timedelta

from sqlalchemy import case, func, select

from pulseguard.extensions import db
from pulseguard.models import UptimeRollup
from pulseguard.models.ids import ids_in
from pulseguard.models.types import utcnow

WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}


def hour_floor(moment):
    """Return the start of the hour the moment falls in."""
    return moment.replace(minute=0, second=0, microsecond=0)


def uptime_by_server(server_ids, now=None) -> dict[int, dict]:
    """Return {server_id: {"uptime": {window: pct or None}, "avg_response_time": ms or None}}."""
    if not server_ids:
        return {}
    now = now or utcnow()
    # A window of 24 h counts the current, partial hour and the 24 whole hours before it.
    starts = {name: hour_floor(now - span) for name, span in WINDOWS.items()}
    columns: list = [UptimeRollup.server_id]
    for name, start in starts.items():
        recent = UptimeRollup.hour_start >= start
        columns.append(func.sum(case((recent, UptimeRollup.total), else_=0)).label(f"t{name}"))
        columns.append(func.sum(case((recent, UptimeRollup.successes), else_=0)).label(f"s{name}"))
    day = UptimeRollup.hour_start >= starts["24h"]
    columns.append(func.sum(case((day, UptimeRollup.response_time_sum_ms), else_=0)).label("rt"))
    columns.append(func.sum(case((day, UptimeRollup.response_count), else_=0)).label("rc"))
    dialect = db.session.get_bind().dialect.name
    stmt = (
        select(*columns)
        .where(
            ids_in(UptimeRollup.server_id, server_ids, dialect),
            UptimeRollup.hour_start >= starts["30d"],
        )
        .group_by(UptimeRollup.server_id)
    )
    result: dict[int, dict] = {
        sid: {"uptime": dict.fromkeys(WINDOWS), "avg_response_time": None} for sid in server_ids
    }
    for row in db.session.execute(stmt).mappings():
        entry = result[row["server_id"]]
        for name in WINDOWS:
            total = row[f"t{name}"] or 0
            if total:
                entry["uptime"][name] = round(100.0 * (row[f"s{name}"] or 0) / total, 2)
        if row["rc"]:
            entry["avg_response_time"] = round(row["rt"] / row["rc"], 2)
    return result


def with_uptime(statuses, window="24h"):
    """Attach uptime over every window (the chosen one as uptime_percentage) to statuses."""
    figures = uptime_by_server([s.server_id for s in statuses])
    for status in statuses:
        entry = figures[status.server_id]
        status.uptime = entry["uptime"]
        status.uptime_percentage = entry["uptime"][window]
        status.avg_response_time = entry["avg_response_time"]
    return statuses
