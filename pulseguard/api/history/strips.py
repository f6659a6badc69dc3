"""The overview's strip: each row's last 30 results, oldest first (what Kuma's users glance at).

One statement for a page of rows: a UNION ALL of one `ORDER BY checked_at DESC LIMIT 30` per
server, each an index range scan of ix_ping_results_server_checked, so the cost is 30 rows per
server however long the history is (a window function would read every result of each server).
Push events that are not outcomes (`start`, `log`) are left out.
"""

from sqlalchemy import or_, select, union_all

from pulseguard.extensions import db
from pulseguard.models import PingResult

STRIP = 30
NOT_OUTCOMES = ("start", "log")


def strips(server_ids, count: int = STRIP) -> dict[int, list[dict]]:
    """Return {server id: [{"status", "at", "response_time", "maintenance"}, ...] oldest first}."""
    server_ids = sorted(set(server_ids))
    out: dict[int, list[dict]] = {sid: [] for sid in server_ids}
    if not server_ids:
        return out
    columns = (
        PingResult.server_id,
        PingResult.outcome,
        PingResult.checked_at,
        PingResult.response_time_ms,
        PingResult.in_maintenance,
    )
    parts = [
        select(*columns)
        .where(
            PingResult.server_id == sid,
            or_(PingResult.kind.is_(None), PingResult.kind.not_in(NOT_OUTCOMES)),
        )
        .order_by(PingResult.checked_at.desc())
        .limit(count)
        .subquery()
        .select()
        for sid in server_ids
    ]
    for row in db.session.execute(union_all(*parts)):
        out[row.server_id].append(
            {
                "status": row.outcome,
                "at": row.checked_at,
                "response_time": row.response_time_ms,
                "maintenance": row.in_maintenance,
            }
        )
    for results in out.values():
        results.sort(key=lambda r: r["at"])
    return out
