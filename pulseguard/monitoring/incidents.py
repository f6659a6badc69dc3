"""Incidents follow the status, in the transaction that changes it (API-NEXT §3).

| transition                          | incident                                            |
| up/unknown -> degraded or down      | opens one, severity = the new status                |
| degraded -> down / down -> degraded | the same one; severity becomes (and stays) down     |
| -> up                               | resolved at that (first successful) check           |
| a failure within INCIDENT_REOPEN_WINDOW of a resolution | that incident reopens (one per flap) |

`started_at` is the episode's first failing check (read back from the results, so a server with
`failure_threshold: 3` starts its incident at the first of the three), `detected_at` the check
that changed the status. Opening is an INSERT ... ON CONFLICT DO NOTHING against the partial
unique index of open incidents, so two workers recording the same transition make one incident:
the second finds it open and only updates it. Nothing here opens during a maintenance window
(recording does not call it then), but a success inside a window resolves.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pulseguard.models import Health, Incident, PingResult
from pulseguard.models.incident import OPEN_ONLY
from pulseguard.models.incident_update import public_updates

__all__ = ["Transition", "category", "follow", "public_updates"]

BAD = (Health.DEGRADED, Health.DOWN)


@dataclass(frozen=True, slots=True)
class Transition:
    """One status change of one server, as recording saw it."""

    server_id: int
    owner_id: int
    name: str
    old: str
    new: str
    at: datetime
    message: str
    outcome: str = "failure"
    status_code: int | None = None
    from_window_end: bool = False  # the end of a maintenance window: the incident starts now


def category(t: Transition) -> str:
    """Return the cause category of a failing result (http_status, timeout, connection, ...)."""
    text = t.message.lower()
    if t.outcome == "timeout":
        return "timeout"
    if t.status_code is not None and t.outcome == "failure":
        return "http_status"
    if "resolve" in text or "dns" in text or "rcode" in text:
        return "dns"
    if "certificate" in text or "ssl" in text or "tls" in text:
        return "tls"
    if t.new == Health.DEGRADED or t.outcome == "failure":
        return "assertion"
    return "connection"


def follow(connection, transitions: list[Transition], reopen_s: float | None = None) -> list[int]:
    """Apply transitions (in time order) to incidents; return the ids of incidents touched.

    `reopen_s` (default: the INCIDENT_REOPEN_WINDOW setting) is how long after its resolution
    an incident reopens on a new failure rather than a new incident opening.
    """
    if not transitions:
        return []
    if reopen_s is None:
        reopen_s = float(current_app.config.get("INCIDENT_REOPEN_WINDOW") or 0)
    opening = [t for t in transitions if t.new in BAD and t.old not in BAD]
    starts = _episode_starts(connection, {t.server_id for t in opening})
    table = Incident.__table__
    touched: set[int] = set()
    for t in sorted(transitions, key=lambda t: t.at):
        if (
            t.new in BAD
            and t.old not in BAD
            and not (reopen_s > 0 and _reopen(connection, t, reopen_s))
        ):
            _open(connection, t, t.at if t.from_window_end else starts.get(t.server_id) or t.at)
        if t.new in BAD:
            values = {"current_status": t.new, "updated_at": t.at}
            if t.new == Health.DOWN:
                values["severity"] = Health.DOWN
            stmt = update(table).where(table.c.server_id == t.server_id, OPEN_ONLY)
            touched.update(connection.execute(stmt.values(values).returning(table.c.id)).scalars())
        elif t.new == Health.UP and t.old in BAD:
            stmt = (
                update(table)
                .where(table.c.server_id == t.server_id, OPEN_ONLY)
                .values(state="resolved", resolved_at=t.at, current_status=t.new, updated_at=t.at)
                .returning(table.c.id)
            )
            touched.update(connection.execute(stmt).scalars())
    return sorted(touched)


def _reopen(connection, t: Transition, reopen_s: float) -> bool:
    """Reopen the server's incident resolved within reopen_s before t; tell whether one was.

    The compare-and-set on `state = 'resolved'` makes a racing second worker update nothing
    (and then find the reopened incident in its INSERT ... ON CONFLICT).
    """
    table = Incident.__table__
    latest = (
        select(table.c.id)
        .where(
            table.c.server_id == t.server_id,
            table.c.kind == "auto",
            table.c.state == "resolved",
            table.c.end_reason.is_(None),
            table.c.resolved_at >= t.at - timedelta(seconds=reopen_s),
        )
        .order_by(table.c.resolved_at.desc(), table.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    already_open = exists().where(table.c.server_id == t.server_id, OPEN_ONLY)
    stmt = (
        update(table)
        .where(table.c.id == latest, table.c.state == "resolved", ~already_open)
        .values(
            state="open",
            resolved_at=None,
            acknowledged_at=None,
            acknowledged_by_id=None,
            ack_note="",
            updated_at=t.at,
        )
    )
    return bool(connection.execute(stmt).rowcount)


def _open(connection, t: Transition, started_at: datetime) -> None:
    row = {
        "kind": "auto",
        "server_id": t.server_id,
        "owner_id": t.owner_id,
        "title": f"{t.name} is {t.new}"[:200],
        "severity": t.new,
        "state": "open",
        "current_status": t.new,
        "cause": t.message[:500],
        "cause_category": category(t),
        "started_at": min(started_at, t.at),
        "detected_at": t.at,
        "ack_note": "",
        "public": False,
        "created_at": t.at,
        "updated_at": t.at,
    }
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(Incident.__table__).values(row)
    connection.execute(
        stmt.on_conflict_do_nothing(index_elements=["server_id"], index_where=OPEN_ONLY)
    )


def _episode_starts(connection, server_ids) -> dict[int, datetime]:
    """Return {server_id: its first failing result since its last success}."""
    if not server_ids:
        return {}
    last_ok = (
        select(PingResult.server_id, func.max(PingResult.checked_at).label("at"))
        .where(PingResult.server_id.in_(server_ids), PingResult.outcome == "success")
        .group_by(PingResult.server_id)
        .subquery()
    )
    stmt = (
        select(PingResult.server_id, func.min(PingResult.checked_at))
        .outerjoin(last_ok, last_ok.c.server_id == PingResult.server_id)
        .where(
            PingResult.server_id.in_(server_ids),
            PingResult.outcome != "success",
            (last_ok.c.at.is_(None)) | (PingResult.checked_at > last_ok.c.at),
        )
        .group_by(PingResult.server_id)
    )
    return {sid: at for sid, at in connection.execute(stmt)}
