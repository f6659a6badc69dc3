"""Recording a batch of check results in one transaction, then telling the rest of PulseGuard.

One transaction writes the PingResult rows (bulk insert), the ServerStatus updates, the uptime
rollup counters and a StatusChange row per transition. Only after the commit are the live events
published, notifications triggered and metrics observed. Nothing in the transaction yields to
other greenlets: on SQLite a greenlet waiting for the write lock blocks the whole process for up to
its busy timeout (measured: 3 s), so a writer must never pause while it holds the lock.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import gevent
from sqlalchemy import bindparam, func, insert, or_, select, update

from pulseguard import bus, metrics, pagecache
from pulseguard.checks.runner import Result
from pulseguard.extensions import db
from pulseguard.kinds.push import EVENTS
from pulseguard.models import (
    CheckOutcome,
    Health,
    PingResult,
    Server,
    ServerStatus,
    StatusChange,
)
from pulseguard.models.ids import ids_in
from pulseguard.models.monitored import (
    in_window,
    is_active,
    is_alerting,
    is_checked,
    window_uptime,
)
from pulseguard.models.types import UTCDateTime, utcnow
from pulseguard.monitoring import bulk_pg, certs, incidents, timeline
from pulseguard.monitoring.incident_events import incident_events
from pulseguard.monitoring.payloads import ping_json, status_json
from pulseguard.monitoring.rollups import RollupCounter
from pulseguard.monitoring.state import changes_status, next_push_status, next_status
from pulseguard.monitoring.uptime import uptime_by_server
from pulseguard.notify import triggers

log = logging.getLogger(__name__)
YIELD_EVERY = 50  # checks serialised between two yields to other greenlets
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # stands for "never checked" in the compare-and-set


@dataclass(frozen=True, slots=True)
class Recorded:
    """One recorded check, as `flask run-checks` prints it."""

    server_id: int
    name: str
    health: str
    outcome: str
    status_code: int | None
    response_time_ms: float | None
    message: str
    ping_id: int


class _ConflictError(Exception):
    """Another process recorded some of these claims while this transaction ran."""


def record_results(results: list[Result], once: bool = False) -> list[Recorded]:
    """Record check results in one transaction; then publish, notify and count them.

    once=True (the check engine's writer): an active check whose planned time is not later than
    the server's last recorded one was recorded already (by this or another worker: a lapsed
    lease taken over) and is skipped; the status update is a compare-and-set on
    last_planned_at, redone from a fresh read when another writer got there first.
    """
    if not results:
        return []
    for attempt in range(1, 6):
        try:
            checks, pings, ping_ids, change_ids, touched, notices, uptime = _write(results, once)
            break
        except _ConflictError:
            log.info("Some of %d results were recorded meanwhile (%d)", len(results), attempt)
    else:
        log.warning("Recording %d results lost five races in a row: skipped", len(results))
        return []
    if not pings:
        return []
    if uptime is None:  # SQLite: outside the transaction, which holds the database's write lock
        uptime = uptime_by_server(sorted({p["server_id"] for p in pings}))
    opened_or_closed = incident_events(touched)
    db.session.commit()  # end the read transaction (if any), release the connection
    events, recorded = _events(checks, pings, ping_ids, uptime)
    events = opened_or_closed + events  # the incidents first: each check's pair stays last
    _after_commit(results, events, change_ids)
    certs.announce(notices)
    return recorded


def _lock_statuses(server_ids) -> None:
    """On PostgreSQL, lock these servers' status rows until the commit, in server id order.

    Two transactions recording the same server at once (two results arriving together, a lease
    taken over) would otherwise both read "up" and both make the up->down transition: two
    StatusChange rows, two messages. With the lock the second waits, then reads what the first
    committed. Server id order, as the push path locks its monitors, so two writers of
    overlapping batches never wait for each other in a cycle. FOR NO KEY UPDATE is the lock the
    UPDATE takes anyway. (It cannot go on the state query: PostgreSQL refuses FOR UPDATE on the
    nullable side of its outer join.) SQLite has one writer at a time already.
    """
    db.session.flush()  # what the caller changed is written first, as session.execute would
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    connection.execute(
        select(ServerStatus.id)
        .where(ids_in(ServerStatus.server_id, server_ids, "postgresql"))
        .order_by(ServerStatus.server_id)
        .with_for_update(key_share=True)
    ).all()


def _load_state(server_ids):
    """Return {server_id: mutable state} for the servers that still exist, their status locked."""
    _lock_statuses(server_ids)
    # Columns only: run on the session's connection, without the ORM's result machinery.
    connection = db.session.connection()
    stmt = (
        select(
            Server.id,
            Server.name,
            Server.owner_id,
            Server.monitoring_state,
            Server.maintenance,
            Server.failure_threshold,
            Server.degraded_threshold_ms,
            Server.tls_expires_at,
            Server.created_at,
            Server.settings,
            ServerStatus.id.label("status_id"),
            ServerStatus.health,
            ServerStatus.consecutive_failures,
            ServerStatus.changed_at,
            ServerStatus.maintenance_since,
            ServerStatus.message,
            ServerStatus.last_planned_at,
            ServerStatus.cert,
        )
        .outerjoin(ServerStatus, ServerStatus.server_id == Server.id)
        .where(ids_in(Server.id, server_ids, connection.dialect.name))
    )
    state = {row.id: dict(row._mapping) for row in connection.execute(stmt)}
    missing = [sid for sid, s in state.items() if s["status_id"] is None]
    for sid in missing:  # a server created without its status row (not through the API)
        status = ServerStatus(server_id=sid)
        db.session.add(status)
        db.session.flush()
        state[sid].update(
            status_id=status.id,
            health=status.health,
            consecutive_failures=0,
            message="",
            last_planned_at=None,
            cert=None,
        )
    return state


def _write(results, once=False):
    now = utcnow()
    state = _load_state(sorted({target.id for target, *_ in results}))
    read_planned = {sid: server["last_planned_at"] for sid, server in state.items()}
    pings, changes, statuses, tls, checks, moves = [], [], {}, {}, [], []
    cert_updates: dict[int, dict | None] = {}
    cert_events: list[tuple[dict, dict, dict]] = []
    transitions: list[incidents.Transition] = []
    rollups, skipped = RollupCounter(), 0
    for target, planned, started, outcome in sorted(results, key=lambda r: r[2]):
        server = state.get(target.id)
        if server is None or not _recorded_now(server, outcome):
            continue  # deleted, paused or in maintenance since it was claimed
        if outcome.kind is None:  # an active check: its claim is (server, planned time)
            planned_at, last = datetime.fromtimestamp(planned, UTC), server["last_planned_at"]
            if once and last is not None and planned_at <= last:
                skipped += 1  # this claim (or a later one) is recorded already
                continue
            server["last_planned_at"] = planned_at if last is None else max(last, planned_at)
        checked_at = datetime.fromtimestamp(started, UTC)
        if outcome.kind is None:  # an active check
            verdict = next_status(
                server["health"],
                server["consecutive_failures"],
                outcome,
                server["failure_threshold"],
                server["degraded_threshold_ms"],
            )
        else:  # a push event or a missed deadline
            verdict = next_push_status(
                server["health"],
                server["consecutive_failures"],
                server["message"],
                outcome,
                server["failure_threshold"],
                server["degraded_threshold_ms"],
            )
        if outcome.cert is not None:
            seen = certs.follow(server, outcome.cert, verdict, checked_at)
            verdict = seen.verdict
            if seen.stored is not None:
                server["cert"] = cert_updates[target.id] = seen.stored
            if seen.event is not None:
                cert_events.append((seen.event, server, outcome.cert))
        elif server["cert"] is not None and target.protocol != "https":
            server["cert"] = cert_updates[target.id] = None  # no longer an https server
        maintained = in_window(server)
        changed = verdict.health != server["health"]
        resolves = maintained and verdict.health == Health.UP
        if changed and (is_alerting(server) or resolves):
            transitions.append(
                incidents.Transition(
                    target.id,
                    server["owner_id"],
                    server["name"],
                    server["health"],
                    verdict.health,
                    checked_at,
                    verdict.message,
                    outcome.status,
                    outcome.status_code,
                )
            )
        if verdict.health != server["health"] and maintained:
            # Measured, not announced: the end of the window compares before with after.
            server["changed_at"] = checked_at
        elif verdict.health != server["health"]:
            changes.append(
                {
                    "server_id": target.id,
                    "old_status": server["health"],
                    "new_status": verdict.health,
                    "message": verdict.message[:500],
                    "created_at": checked_at,
                }
            )
            server["changed_at"] = checked_at
            moves.append(
                timeline.Move(
                    target.id,
                    timeline.state_of(server["monitoring_state"], server["health"]),
                    timeline.state_of(server["monitoring_state"], verdict.health),
                    checked_at,
                    server["created_at"],
                )
            )
        server.update(
            health=verdict.health,
            consecutive_failures=verdict.consecutive_failures,
            message=verdict.message,
        )
        pings.append(
            {
                "server_id": target.id,
                "outcome": outcome.status,
                "response_time_ms": outcome.response_time_ms,
                "status_code": outcome.status_code,
                "error_message": None if outcome.ok else outcome.message[:500],
                "checked_at": checked_at,
                "kind": outcome.kind,
                "in_maintenance": maintained,
                "details": outcome.details,
                "assertions": outcome.assertions,
            }
        )
        status = {
            "id": server["status_id"],
            "server_id": target.id,
            "health": verdict.health,
            "last_check_at": checked_at,
            "last_response_time_ms": outcome.response_time_ms,
            "consecutive_failures": verdict.consecutive_failures,
            "message": verdict.message[:500],
            "changed_at": server["changed_at"],
            "updated_at": now,
            "last_planned_at": server["last_planned_at"],
            "guarded": once and server["last_planned_at"] != read_planned[target.id],
            "read_planned_at": read_planned[target.id],
        }
        statuses[target.id] = status
        checks.append(
            (
                server,
                outcome,
                status | {"maintenance_since": server["maintenance_since"], "cert": server["cert"]},
            )
        )
        counted = window_uptime(server)
        # exclude: the window's time leaves the uptime figures; a push's start or log ping is
        # no measure of uptime either.
        if counted != "exclude" and changes_status(outcome):
            ok = outcome.ok or counted == "count_as_up"
            rollups.add(target.id, checked_at, ok, outcome.response_time_ms)
        expires = outcome.tls_expires_at
        if expires is not None and expires != server["tls_expires_at"]:
            tls[target.id] = expires
    if skipped:
        log.warning(
            "Skipped %d results recorded already (claims run twice: a lease taken over)", skipped
        )
    if not pings:
        db.session.rollback()
        return [], [], [], [], [], [], None
    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    ordered = sorted(statuses.values(), key=lambda s: s["id"])
    if postgres:
        updated = bulk_pg.update_statuses(connection, ordered)
    else:
        updated = _update_statuses(connection, ordered)
    if updated != len(ordered):
        db.session.rollback()
        raise _ConflictError
    if postgres:
        ping_ids = bulk_pg.insert_pings(connection, pings)
    else:
        table = PingResult.__table__
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ping_ids = list(connection.execute(stmt, pings).scalars())
    change_ids: list[int] = []
    if changes:
        table = StatusChange.__table__
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        change_ids = list(connection.execute(stmt, changes).scalars())
    _update_tls(connection, tls)
    _update_certs(connection, cert_updates)
    notices = certs.notices_of(connection, cert_events)
    timeline.move(connection, moves)
    touched = incidents.follow(connection, transitions)
    if postgres:
        bulk_pg.upsert_rollups(connection, rollups.rows())
    else:
        rollups.write(connection)
    # PostgreSQL: the uptime (these results' counters included) read in this transaction saves
    # one of its own after it (a pool checkout with its pre-ping, BEGIN, COMMIT: 3 round trips).
    uptime = uptime_by_server(sorted(statuses)) if postgres else None
    db.session.commit()
    # Pages showing a changed status: soft, the copy serves other requests while one rebuilds it.
    pagecache.clear_servers({m.server_id for m in moves}, soft=True)
    return checks, pings, ping_ids, change_ids, touched, notices, uptime


def _recorded_now(server, outcome) -> bool:
    """Tell whether a result of this server is recorded now.

    A checked server's are. Under a `checks: skip` window a push job's own pings still are
    (API-NEXT §2), marked in_maintenance like any result inside a window; a missed deadline
    is not (the deadlines move past the window instead, push_deadlines.py).
    """
    return is_checked(server) or (is_active(server) and outcome.kind in EVENTS)


def _update_statuses(connection, statuses) -> int:
    """Update ServerStatus rows by id (guarded rows by compare-and-set); return how many."""
    table = ServerStatus.__table__
    skip = ("id", "server_id", "guarded", "read_planned_at")
    fields = [k for k in statuses[0] if k not in skip]
    unchanged = func.coalesce(table.c.last_planned_at, EPOCH) == bindparam(
        "b_read", type_=UTCDateTime()
    )
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"), or_(bindparam("b_free"), unchanged))
        .values({name: bindparam(f"b_{name}") for name in fields})
    )
    params = [
        {f"b_{k}": s[k] for k in ("id", *fields)}
        | {"b_free": not s["guarded"], "b_read": s["read_planned_at"] or EPOCH}
        for s in statuses
    ]
    return connection.execute(stmt, params).rowcount


def _update_tls(connection, tls):
    if not tls:
        return
    table = Server.__table__
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(tls_expires_at=bindparam("b_expires"), updated_at=table.c.updated_at)
    )
    connection.execute(stmt, [{"b_id": sid, "b_expires": e} for sid, e in sorted(tls.items())])


def _update_certs(connection, cert_updates):
    if not cert_updates:
        return
    table = ServerStatus.__table__
    stmt = (
        update(table).where(table.c.server_id == bindparam("b_id")).values(cert=bindparam("b_cert"))
    )
    rows = [{"b_id": sid, "b_cert": cert} for sid, cert in sorted(cert_updates.items())]
    connection.execute(stmt, rows)


def _events(checks, pings, ping_ids, uptime):
    events, recorded = [], []
    rows = zip(checks, pings, ping_ids, strict=True)
    for n, ((server, outcome, status), ping, ping_id) in enumerate(rows):
        if n and n % YIELD_EVERY == 0:
            gevent.sleep(0)  # let probes due now start on time
        sid, owner = status["server_id"], server["owner_id"]
        ping["id"] = ping_id
        figures = uptime.get(sid) or {"uptime": {}, "avg_response_time": None}
        status["uptime"] = figures["uptime"]
        status["uptime_percentage"] = figures["uptime"].get("24h")
        status["avg_response_time"] = figures["avg_response_time"]
        common = {"server_id": sid, "owner_id": owner, "id": ping_id}
        events.append({"type": "ping", **common, "data": ping_json(ping)})
        events.append({"type": "status", **common, "data": status_json(status)})
        recorded.append(
            Recorded(
                sid,
                server["name"],
                status["health"],
                outcome.status,
                outcome.status_code,
                outcome.response_time_ms,
                status["message"],
                ping_id,
            )
        )
    return events, recorded


def check_duration_s(target, outcome) -> float | None:
    """How long a check took: how long its probe ran, whatever the outcome (errors included).

    Results that were not probed (push pings, a missed deadline) fall back to their response time,
    or their timeout when they timed out; a push result with neither is counted by outcome only.
    """
    if outcome.duration_s is not None:
        return outcome.duration_s
    if outcome.response_time_ms is not None:
        return outcome.response_time_ms / 1000
    if outcome.status == CheckOutcome.TIMEOUT:
        return getattr(target, "timeout_s", None)
    return None


def _after_commit(results, events, change_ids):
    observations = [
        (outcome.status, check_duration_s(target, outcome), max(0.0, started - planned))
        for target, planned, started, outcome in results
    ]
    metrics.observe_checks(observations)  # one Redis round trip per batch, not one per check
    if events:
        try:
            bus.publish(events)
        except Exception:  # noqa: BLE001 - the results are committed; a live hiccup is logged
            log.exception("Publishing %d events failed", len(events))
    if change_ids:
        try:
            triggers.enqueue_for_changes(change_ids)
        except Exception:  # noqa: BLE001
            log.exception("Triggering notifications for changes %s failed", change_ids)
