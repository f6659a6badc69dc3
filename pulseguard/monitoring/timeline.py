"""State timelines: each server's open interval, folded into daily rollups when its state changes.

A server's *state* here is what a status page shows over time: its health (up, down, degraded,
unknown) unless its owner paused it or it is in maintenance. `move()` runs in the transaction that
changes the state (recording, a pause, a maintenance window): it closes the open interval, adds
its seconds to the StateDay rows of the days (and quarter hours) it covered, and opens the next.
Only changes write; raw results are never read.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, tuple_

from pulseguard.models import StateDay, StateSpan
from pulseguard.states import Health, MonitoringState

SLOT_S = 900  # a quarter of an hour: every UTC offset is a multiple of it
# The StateDay column (and slot position) each state's seconds go to; up has none.
COUNTED: dict[str, int] = {
    Health.DOWN: 0,
    Health.DEGRADED: 1,
    MonitoringState.MAINTENANCE: 2,
    MonitoringState.PAUSED: 3,
    Health.UNKNOWN: 3,
}
COLUMNS = ("down_s", "degraded_s", "maintenance_s", "unmonitored_s")


def state_of(monitoring_state: str, health: str | None) -> str:
    """Return the timeline state of a server: paused or maintenance win over its health."""
    if monitoring_state in (MonitoringState.PAUSED, MonitoringState.MAINTENANCE):
        return str(monitoring_state)
    return str(health or Health.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Move:
    """One server changing state at a moment (old_state and created_at serve a server new to
    timelines)."""

    server_id: int
    old_state: str
    new_state: str
    at: datetime
    created_at: datetime


def day_start(day: date) -> datetime:
    """Return midnight UTC at the start of a day."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def pieces(state: str, start: datetime, end: datetime) -> dict[date, dict[int, float]]:
    """Cut [start, end) into {day: {slot: seconds}} for a state that counts (empty for up)."""
    out: dict[date, dict[int, float]] = defaultdict(dict)
    if state not in COUNTED or end <= start:
        return out
    moment = start
    while moment < end:
        midnight = day_start(moment.date())
        slot = int((moment - midnight).total_seconds() // SLOT_S)
        slot_end = min(midnight + timedelta(seconds=SLOT_S * (slot + 1)), end)
        out[moment.date()][slot] = (slot_end - moment).total_seconds()
        moment = slot_end
    return out


def move(connection, moves: list[Move]) -> None:
    """Close each server's open interval at its move, fold it into StateDay rows, open the next."""
    if not moves:
        return
    ids = sorted({m.server_id for m in moves})
    spans = {
        row.server_id: row
        for row in connection.execute(
            select(StateSpan.__table__).where(StateSpan.server_id.in_(ids))
        )
    }
    added: dict[tuple[int, date], dict[int, list[float]]] = defaultdict(dict)
    opened: dict[int, dict] = {}
    for m in sorted(moves, key=lambda m: m.at):
        span = opened.get(m.server_id) or spans.get(m.server_id)
        current: dict[str, Any]
        if span is None:
            current = {"state": m.old_state, "started_at": m.created_at, "tracked": m.created_at}
        elif isinstance(span, dict):
            current = span
        else:
            current = {"state": span.state, "started_at": span.started_at,
                       "tracked": span.tracked_since}  # fmt: skip
        start = max(current["started_at"], current["tracked"])
        column = COUNTED.get(current["state"])
        for day, slots in pieces(current["state"], start, m.at).items():
            target = added[(m.server_id, day)]
            for slot, seconds in slots.items():
                target.setdefault(slot, [0.0] * 4)[column] += seconds  # type: ignore[index]
        opened[m.server_id] = {"state": m.new_state, "started_at": max(m.at, start),
                               "tracked": current["tracked"]}  # fmt: skip
    _add_days(connection, added)
    _write_spans(connection, spans, opened)


def _add_days(connection, added) -> None:
    if not added:
        return
    table = StateDay.__table__
    keys = sorted(added)
    existing = {
        (row.server_id, row.day): row
        for row in connection.execute(
            select(table).where(tuple_(table.c.server_id, table.c.day).in_(keys))
        )
    }
    inserts: list[dict] = []
    updates: list[dict] = []
    for key in keys:
        row = existing.get(key)
        slots = {int(k): list(v) for k, v in (row.slots if row is not None else {}).items()}
        for slot, seconds in added[key].items():
            old = slots.get(slot, [0.0] * 4)
            slots[slot] = [round(a + b, 3) for a, b in zip(old, seconds, strict=True)]
        totals = [round(sum(v[i] for v in slots.values()), 3) for i in range(4)]
        values = dict(zip(COLUMNS, totals, strict=True))
        values["slots"] = {str(k): v for k, v in sorted(slots.items())}
        (updates if row is not None else inserts).append(
            {"server_id": key[0], "day": key[1], **values}
        )
    if inserts:
        connection.execute(table.insert(), inserts)
    for values in updates:
        connection.execute(
            table.update()
            .where(table.c.server_id == values["server_id"], table.c.day == values["day"])
            .values({k: v for k, v in values.items() if k not in ("server_id", "day")})
        )


def _write_spans(connection, spans, opened) -> None:
    table = StateSpan.__table__
    rows = [
        {"server_id": sid, "state": s["state"], "started_at": s["started_at"],
         "tracked_since": s["tracked"]}
        for sid, s in sorted(opened.items())
    ]  # fmt: skip
    new = [r for r in rows if r["server_id"] not in spans]
    if new:
        connection.execute(table.insert(), new)
    for r in rows:
        if r["server_id"] in spans:
            connection.execute(
                table.update()
                .where(table.c.server_id == r["server_id"])
                .values(state=r["state"], started_at=r["started_at"])
            )
