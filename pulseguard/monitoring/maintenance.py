"""Maintenance windows in force: which servers they cover now, and what entering and leaving do.

`apply_windows` runs every MAINTENANCE_INTERVAL_S (the scheduler's table, or the embedded loop),
and whenever a window or a server's tags change. It evaluates each window's schedule now, works
out the mode of every covered server ("<checks>/<uptime>": a `skip` window wins over `run`, and
`exclude` over `count_as_up` over `measure`), and writes the differences in one transaction:

- entering: `Server.maintenance` is set (compare-and-set from ""), the status before is kept in
  `ServerStatus.health_before_maintenance`, and the state timeline moves to `maintenance`;
- leaving: the status before is compared with the status now. With `checks: run` the checks
  went on, so a real change (up -> down, down -> up) becomes one StatusChange at the window's end,
  which notifies as any change does; the same status on both sides sends nothing (Kuma#7148).
  Push deadlines that fell inside the window move to its end + grace (push_deadlines.py).
  With `checks: skip` no probe ran, so an active kind's status is still the one before (nothing
  to compare) and the server is checked at once: that first check is an ordinary transition.
  A push job's own pings are still recorded under `skip` (API-NEXT §2), so a push server's
  status can change inside the window: it is compared as with `run` (a `fail` ping during the
  window, down after it: one down notification).

Each window's own start and end are claimed with a compare-and-set of `active_since`, so that
exactly one process publishes the live `maintenance` event however many run the sweep.
"""

import copy
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Text, cast, insert, select, update

from pulseguard import bus, pagecache
from pulseguard.extensions import db
from pulseguard.models import MaintenanceWindow, Server, ServerStatus, StatusChange
from pulseguard.models.maintenance_window import Occurrence, window_servers
from pulseguard.models.monitored import SKIP
from pulseguard.models.types import utcnow
from pulseguard.monitoring import incidents, push_deadlines, server_version, timeline
from pulseguard.monitoring.incident_events import publish_incidents
from pulseguard.notify import maintenance as maintenance_notice
from pulseguard.notify import triggers

log = logging.getLogger(__name__)
UPTIME_RANK = ("measure", "count_as_up", "exclude")  # the later wins when windows overlap


class Alike(NamedTuple):
    """What MaintenanceWindow.covers reads of a server, shared by servers alike (id: None)."""

    id: int | None
    owner_id: int
    tags: tuple


@dataclass
class Applied:
    """What one sweep changed."""

    entered: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)
    change_ids: list[int] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)
    announcements: list[dict] = field(default_factory=list)  # notify/maintenance.py
    next_change: datetime | None = None  # the first moment a window's occurrence can change


def combine(modes: list[tuple[str, str]]) -> str:
    """Return the mode of a server covered by windows with these (checks, uptime) pairs."""
    checks = "skip" if any(c == "skip" for c, _ in modes) else "run"
    uptime = max((u for _, u in modes), key=UPTIME_RANK.index)
    return f"{checks}/{uptime}"


def coverage(
    windows: list[MaintenanceWindow], listed: dict[int, set[int]] | None = None
) -> dict[int, set[int]]:
    """Return {window_id: the ids of the servers it covers now} (tags read as they are now).

    `listed`: the servers each window lists, when the caller read them (else window.server_ids).
    """
    wide = [w for w in windows if w.all_servers or w.tags]
    alike: dict[tuple, list[int]] = {}
    if wide:
        owners = None if any(w.owner.is_admin for w in wide) else {w.owner_id for w in wide}
        alike = _alike(owners)
    covered = {}
    for window in windows:
        ids = set(listed.get(window.id, ())) if listed is not None else set(window.server_ids)
        if window in wide:
            for (owner_id, tags), members in alike.items():
                if window.covers(Alike(None, owner_id, tags)):
                    ids.update(members)
        covered[window.id] = ids
    return covered


# (owners, servers' version, read at monotonic time, {(owner_id, tags): server ids}): what the
# last select found, kept while the version stands (monitoring/server_version.py).
_servers: tuple[frozenset | None, int, float, dict[tuple, list[int]]] | None = None


def _alike(owners: set[int] | None) -> dict[tuple, list[int]]:
    """Return {(owner_id, tags): the ids of those servers}, of these owners' (None: everyone's).

    Read again only when the servers' version moved (a server added or deleted, its tags or
    owner changed), the owners asked for differ, or FULL_EVERY_S passed: selecting 10,000
    servers every second was most of the sweep's cost. The version is read before the select,
    so facts kept under a version are never older than it.
    """
    global _servers
    key = None if owners is None else frozenset(owners)
    version, now = server_version.current(), time.monotonic()
    held = _servers
    if (
        held is not None
        and version is not None
        and held[:2] == (key, version)
        and now - held[2] < server_version.FULL_EVERY_S
    ):
        return held[3]
    # Tags come as their JSON text and only the distinct texts are decoded: decoding 10,000
    # servers' tags each time was most of the select's cost.
    stmt = select(Server.id, Server.owner_id, cast(Server.tags, Text))
    if key is not None:
        stmt = stmt.where(Server.owner_id.in_(key))
    by_text: dict[tuple, list[int]] = {}
    for sid, owner_id, tags_text in db.session.execute(stmt):
        by_text.setdefault((owner_id, tags_text), []).append(sid)
    # Servers alike for every window (same owner, same tags) are asked about once.
    alike: dict[tuple, list[int]] = {}
    for (owner_id, tags_text), members in by_text.items():
        tags = tuple(json.loads(tags_text) or ()) if tags_text else ()
        alike.setdefault((owner_id, tags), []).extend(members)
    _servers = None if version is None else (key, version, now, alike)
    return alike


# {window id: (what the window was, from, until, current())}: a window's occurrence is computed
# again only at its next boundary or when the window changed, not on every sweep.
_held: dict[int, tuple[tuple, datetime, datetime | None, Occurrence | None]] = {}


def _held_now(
    window: MaintenanceWindow, now: datetime
) -> tuple[Occurrence | None, datetime | None]:
    """Return window.current(now) and the moment it can change next, from the cache if valid."""
    key = (window.schedule, window.enabled, window.adhoc_start, window.adhoc_end, window.stopped_at)
    hit = _held.get(window.id)
    if hit is not None and hit[0] == key and hit[1] <= now and (hit[2] is None or now < hit[2]):
        return hit[3], hit[2]
    held, until = window.held_until(now)
    _held[window.id] = (copy.deepcopy(key), now, until, held)
    return held, until


def apply_windows(now: datetime | None = None) -> Applied:
    """Put the windows in force now into effect; publish and notify after the commit."""
    now = now or utcnow()
    windows = list(db.session.scalars(select(MaintenanceWindow)))
    held, changes = {}, []
    for window in windows:
        held[window.id], until = _held_now(window, now)
        if until is not None:
            changes.append(until)
    for gone in _held.keys() - held.keys():
        _held.pop(gone, None)
    relevant = [w for w in windows if held[w.id] or w.active_since is not None]
    listed: dict[int, set[int]] = {w.id: set() for w in relevant}
    if relevant:
        links = select(window_servers.c.window_id, window_servers.c.server_id).where(
            window_servers.c.window_id.in_(listed)
        )
        for window_id, sid in db.session.execute(links):
            listed[window_id].add(sid)
    covered = coverage(relevant, listed)
    pairs: dict[int, list[tuple[str, str]]] = {}
    for window in relevant:
        if held[window.id]:
            for sid in covered[window.id]:
                pairs.setdefault(sid, []).append((window.checks, window.uptime))
    combined: dict[tuple, str] = {}  # servers under the same windows share their mode
    desired = {}
    for sid, modes in pairs.items():
        key = tuple(modes)
        if (mode := combined.get(key)) is None:
            mode = combined[key] = combine(modes)
        desired[sid] = mode
    in_force = select(Server.id, Server.maintenance).where(Server.maintenance != "")
    current = {sid: mode for sid, mode in db.session.execute(in_force)}
    applied = Applied()
    entering: dict[str, list[int]] = {}
    for sid, mode in desired.items():
        if sid not in current:
            entering.setdefault(mode, []).append(sid)
        elif current[sid] != mode:
            _switch(sid, current[sid], mode)
    for mode, ids in sorted(entering.items()):
        applied.entered += _enter(ids, mode, now)
    leaving = sorted(sid for sid in current if sid not in desired)
    if leaving:
        left, change_ids, touched = _leave(leaving, current, now)
        applied.left, applied.change_ids, applied.incidents = left, change_ids, touched
        push_deadlines.move_past_window(left, now)
    applied.events = _claim_window_events(relevant, held, covered, applied.announcements)
    applied.next_change = min(changes, default=None)
    db.session.commit()
    _after_commit(applied)
    return applied


# The boundaries a sweep is already set to wake at, in this process.
_wakeups: set[datetime] = set()


def sweep_windows() -> None:
    """The periodic job: apply_windows now, then at a window's next start or end if it comes
    before the next periodic sweep could (so that a window starts on time, not up to a period
    plus the scheduler's slack late). The wake-up is a greenlet of this process (the RQ worker
    and the embedded runtime run gevent); without gevent's patched time, only the periods."""
    applied = apply_windows()
    _wake_at(applied.next_change)


def _wake_at(moment: datetime | None) -> None:
    from gevent import monkey

    if moment is None or moment in _wakeups or not monkey.is_module_patched("time"):
        return
    delay = (moment - utcnow()).total_seconds()
    period = float(current_app.config["MAINTENANCE_INTERVAL_S"])
    if delay > period * 2 + 1:
        return  # a later periodic sweep sets it
    import gevent

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _wakeups.add(moment)
    gevent.spawn_later(max(0.0, delay), _boundary_sweep, app, moment)


def _boundary_sweep(app, moment: datetime) -> None:
    import gevent

    try:
        late = (moment - utcnow()).total_seconds()
        if late > 0:  # the wall clock and gevent's timer disagree by a little
            gevent.sleep(late + 0.001)
        with app.app_context():
            try:
                apply_windows(max(utcnow(), moment))
            except Exception:  # noqa: BLE001 - the periodic sweep retries
                log.exception("The maintenance sweep at %s failed", moment)
                db.session.rollback()
    finally:
        _wakeups.discard(moment)


def _switch(sid: int, old: str, new: str) -> None:
    db.session.execute(
        update(Server)
        .where(Server.id == sid, Server.maintenance == old)
        .values(maintenance=new, updated_at=Server.updated_at)
    )


def _states(ids):
    stmt = (
        select(Server.id, Server.monitoring_state, Server.created_at, ServerStatus.health)
        .outerjoin(ServerStatus, ServerStatus.server_id == Server.id)
        .where(Server.id.in_(ids))
    )
    return {row.id: row for row in db.session.execute(stmt)}


def _enter(ids: list[int], mode: str, now: datetime) -> list[int]:
    claimed = list(
        db.session.scalars(
            update(Server)
            .where(Server.id.in_(ids), Server.maintenance == "")
            .values(maintenance=mode, updated_at=Server.updated_at)
            .returning(Server.id)
        )
    )
    if not claimed:
        return []
    db.session.execute(
        update(ServerStatus)
        .where(ServerStatus.server_id.in_(claimed))
        .values(health_before_maintenance=ServerStatus.health, maintenance_since=now)
    )
    states = _states(claimed)
    moves = [
        timeline.Move(
            sid,
            timeline.state_of(row.monitoring_state, row.health),
            timeline.state_of("maintenance", row.health),
            now,
            row.created_at,
        )
        for sid, row in sorted(states.items())
    ]
    timeline.move(db.session.connection(), moves)
    return sorted(claimed)


def _leave(ids: list[int], current: dict[int, str], now: datetime):
    left: list[int] = []
    for mode in sorted({current[sid] for sid in ids}):
        values: dict = {"maintenance": "", "updated_at": Server.updated_at}
        if mode.startswith(SKIP):
            values["next_check_at"] = now  # nothing was measured: check at once
        group = [sid for sid in ids if current[sid] == mode]
        left += db.session.scalars(
            update(Server)
            .where(Server.id.in_(group), Server.maintenance == mode)
            .values(**values)
            .returning(Server.id)
        )
    if not left:
        return [], [], []
    rows = db.session.execute(
        select(
            ServerStatus.server_id,
            ServerStatus.health,
            ServerStatus.health_before_maintenance,
            ServerStatus.message,
            Server.owner_id,
            Server.name,
        )
        .join(Server, Server.id == ServerStatus.server_id)
        .where(ServerStatus.server_id.in_(left))
    ).all()
    changes = [
        {
            "server_id": row.server_id,
            "old_status": row.health_before_maintenance,
            "new_status": row.health,
            "message": f"{row.message} (at the end of maintenance)"[:500],
            "created_at": now,
        }
        for row in rows
        if row.health_before_maintenance and row.health_before_maintenance != row.health
    ]
    change_ids: list[int] = []
    touched: list[int] = []
    if changes:
        table = StatusChange.__table__
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        change_ids = list(db.session.connection().execute(stmt, changes).scalars())
        changed = [c["server_id"] for c in changes]
        owners = {row.server_id: row for row in rows}
        transitions = [
            incidents.Transition(
                c["server_id"],
                owners[c["server_id"]].owner_id,
                owners[c["server_id"]].name,
                c["old_status"],
                c["new_status"],
                now,
                owners[c["server_id"]].message,
                from_window_end=True,
            )
            for c in changes
        ]
        touched = incidents.follow(db.session.connection(), transitions)
        db.session.execute(
            update(ServerStatus).where(ServerStatus.server_id.in_(changed)).values(changed_at=now)
        )
    db.session.execute(
        update(ServerStatus)
        .where(ServerStatus.server_id.in_(left))
        .values(health_before_maintenance=None, maintenance_since=None)
    )
    states = _states(left)
    moves = [
        timeline.Move(
            sid,
            timeline.state_of("maintenance", row.health),
            timeline.state_of(row.monitoring_state, row.health),
            now,
            row.created_at,
        )
        for sid, row in sorted(states.items())
    ]
    timeline.move(db.session.connection(), moves)
    return sorted(left), change_ids, touched


def _claim_window_events(windows, held, covered, announcements: list[dict]) -> list[dict]:
    """Claim each window's start or end (compare-and-set of active_since); return its events.

    The starts and ends to notify (notify_start_end) are appended to `announcements`.
    """
    events = []
    for window in windows:
        occurrence = held[window.id]
        new = occurrence[0] if occurrence else None
        if new == window.active_since:
            continue
        claimed = db.session.execute(
            update(MaintenanceWindow)
            .where(
                MaintenanceWindow.id == window.id,
                MaintenanceWindow.active_since.is_(None)
                if window.active_since is None
                else MaintenanceWindow.active_since == window.active_since,
            )
            .values(active_since=new, updated_at=MaintenanceWindow.updated_at)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        state = "active" if new else "ended"
        events.append(window_event(window, state, covered[window.id]))
        facts = maintenance_notice.window_facts(
            window, state, new or window.active_since, covered[window.id]
        )
        if facts:
            announcements.append(facts)
    return events


def window_event(window: MaintenanceWindow, state: str, servers) -> dict:
    """Return the live `maintenance` event of a window that started or ended."""
    return {
        "type": "maintenance",
        "server_id": 0,
        "owner_id": window.owner_id,
        "id": 0,
        "data": {
            "window": {"id": window.id, "name": window.name},
            "state": state,
            "servers": sorted(servers),
        },
    }


def _after_commit(applied: Applied) -> None:
    # Their status shows on pages: stale copies serve the requests while one rebuilds each page.
    pagecache.clear_servers(applied.entered + applied.left, soft=True)
    if applied.events:  # a window started or ended: it shows on its owner's pages
        pagecache.clear_owners({event["owner_id"] for event in applied.events}, soft=True)
        bus.publish(applied.events)
    if applied.incidents:
        publish_incidents(applied.incidents)
    if applied.announcements:
        maintenance_notice.announce_windows(applied.announcements)
    if applied.change_ids:
        try:
            triggers.enqueue_for_changes(applied.change_ids)
        except Exception:  # noqa: BLE001 - committed already; a queue outage is logged
            log.exception("Triggering notifications for changes %s failed", applied.change_ids)
