"""Daily bars and time-weighted uptime, read from state timelines (StateDay + StateSpan) only.

A page's days begin and end at midnight in its own time zone (23 or 25 hours long on DST days);
each is summed in SQL from the quarter-hour slots of the one or two UTC days it overlaps, plus
the open interval of the server's current state. Raw results are never read. Maintenance leaves both
sides of the uptime fraction (the `exclude` rule), pauses and "not checked yet" too.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Integer,
    case,
    cast,
    column,
    func,
    literal,
    select,
    true,
)

from pulseguard.extensions import db
from pulseguard.models import Server, ServerStatus, StateDay, StateSpan
from pulseguard.models.types import utcnow
from pulseguard.monitoring.timeline import COUNTED, SLOT_S, day_start, state_of
from pulseguard.sql import days_since

ONE_DAY = timedelta(days=1)
QUARTER = timedelta(seconds=SLOT_S)
SIGNIFICANT_S = 60  # a day with at least this much downtime (or degradation) is coloured so


@dataclass(slots=True)
class Timeline:
    """What is known of one server's states: where it begins, its open interval, its days."""

    tracked_since: datetime
    state: str
    since: datetime
    days: dict  # {date: slots}

    def tally(self, start: datetime, end: datetime, now: datetime) -> tuple[float, list[float]]:
        """Return (seconds observed, [down, degraded, maintenance, unmonitored]) in [start, end)."""
        a, b = max(start, self.tracked_since), min(end, now)
        counted = [0.0] * 4
        if b <= a:
            return 0.0, counted
        for day, slots in self.days.items():  # only the days with something other than up
            midnight = day_start(day)
            if midnight + ONE_DAY <= a or midnight >= b:
                continue
            for slot, seconds in slots.items():
                slot_start = midnight + timedelta(seconds=SLOT_S * int(slot))
                # Overlapping quarters count whole: exact at day edges (on quarter boundaries in
                # every zone) and where the timeline begins, within 15 minutes at a window's start.
                if a < slot_start + QUARTER and slot_start < b:
                    for i in range(4):
                        counted[i] += seconds[i]
        column = COUNTED.get(self.state)
        if column is not None:
            counted[column] += max(0.0, (b - max(a, self.since)).total_seconds())
        observed = (b - a).total_seconds()
        total = sum(counted)
        if total > observed:  # a window starting inside a quarter: scale it back
            counted = [c * observed / total for c in counted]
        return observed, counted


def open_spans(server_ids) -> dict[int, Timeline]:
    """Load where each server's timeline begins and its open interval (no days)."""
    if not server_ids:
        return {}
    stmt = (
        select(
            Server.id,
            Server.created_at,
            Server.monitoring_state,
            ServerStatus.health,
            StateSpan.state,
            StateSpan.started_at,
            StateSpan.tracked_since,
        )  # fmt: skip
        .outerjoin(ServerStatus, ServerStatus.server_id == Server.id)
        .outerjoin(StateSpan, StateSpan.server_id == Server.id)
        .where(Server.id.in_(server_ids))
    )
    result = {}
    for row in db.session.execute(stmt):
        if row.state is None:  # never changed state since it was created
            state = state_of(row.monitoring_state, row.health)
            result[row.id] = Timeline(row.created_at, state, row.created_at, {})
        else:
            result[row.id] = Timeline(row.tracked_since, row.state, row.started_at, {})
    return result


def timelines(server_ids, first_day: date) -> dict[int, Timeline]:
    """Load the timelines of the given servers, with their days from first_day (UTC) on."""
    result = open_spans(server_ids)
    if not result:
        return result
    days = select(StateDay.server_id, StateDay.day, StateDay.slots).where(
        StateDay.server_id.in_(server_ids), StateDay.day >= first_day
    )
    for sid, day, slots in db.session.execute(days):
        result[sid].days[day] = slots
    return result


def local_days(tz: ZoneInfo, count: int, now: datetime) -> list[tuple[date, datetime, datetime]]:
    """Return the last `count` days in tz (today last) as (date, start UTC, end UTC)."""
    today = now.astimezone(tz).date()
    out = []
    for back in range(count - 1, -1, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        out.append((day, start, end))
    return out


def bar(day: date, observed: float, counted: list[float]) -> dict:
    """Return one day's bar from its observed and counted seconds."""
    down, degraded, maintenance, unmonitored = counted
    monitored = max(0.0, observed - maintenance - unmonitored)
    uptime = round(100.0 * max(0.0, monitored - down) / monitored, 3) if monitored >= 1 else None
    if down >= SIGNIFICANT_S:
        status = "outage"
    elif degraded >= SIGNIFICANT_S:
        status = "degraded"
    elif maintenance > 0:
        status = "maintenance"
    elif uptime is None:
        status = "no_data"
    else:
        status = "operational"
    return {
        "date": day.isoformat(),
        "uptime_pct": uptime,
        "status": status,
        "downtime_seconds": round(down),
        "degraded_seconds": round(degraded),
        "maintenance_seconds": round(maintenance),
    }


def day_runs(days: list[tuple[date, datetime, datetime]]) -> list[tuple[int, int, int, int]]:
    """Cut consecutive local days into runs of days of equal length, in quarter hours counted
    from midnight UTC of the first day's UTC date: [(start, end, first day's index, day length)].
    A DST day (23 or 25 hours) is a run of its own; a quarter belongs to the day it starts in."""
    origin = day_start(days[0][1].date())

    def slot(moment: datetime) -> int:
        return -(-int((moment - origin).total_seconds()) // SLOT_S)

    runs: list[tuple[int, int, int, int]] = []
    for index, (_day, start, end) in enumerate(days):
        low, high = slot(start), slot(end)
        if runs and runs[-1][3] == high - low and runs[-1][1] == low:
            runs[-1] = (runs[-1][0], high, runs[-1][2], high - low)
        else:
            runs.append((low, high, index, high - low))
    return runs


def day_sums(server_ids, days) -> dict[tuple[int, int], list[float]]:
    """Return {(server id, local day index): [down, degraded, maintenance, unmonitored] seconds},
    summed in SQL from the rollups' quarter-hour slots (json_each in SQLite and PostgreSQL)."""
    if not server_ids or not days:
        return {}
    origin = days[0][1].date()
    runs = day_runs(days)
    slot = func.json_each(StateDay.slots).table_valued("key", column("value", JSON)).alias("slot")
    number = days_since(StateDay.day, literal(origin.isoformat())) * (86400 // SLOT_S) + cast(
        slot.c.key, Integer
    )
    # Within a run all days are equally long: integer division finds the day.
    index = case(
        *((number < end, first + (number - start) // length) for start, end, first, length in runs)
    )
    stmt = (
        select(StateDay.server_id, index, *(func.sum(slot.c.value[i].as_float()) for i in range(4)))
        .select_from(StateDay)
        .join(slot, true())
        .where(
            StateDay.server_id.in_(server_ids),
            StateDay.day >= origin,
            StateDay.day <= days[-1][2].date(),
            number >= runs[0][0],
            number < runs[-1][1],
        )
        .group_by(StateDay.server_id, index)
    )
    return {
        (row[0], int(row[1])): [float(v or 0.0) for v in row[2:]]
        for row in db.session.execute(stmt)
    }


def daily_bars(server_ids, tz: ZoneInfo, count: int, now=None) -> tuple[list[str], dict]:
    """Return (dates, {server_id: [bar per day, oldest first]}) for the last `count` days in tz.

    A day with nothing counted is the same dict for every server (most bars of a big page are),
    and so is the whole list of a server that was up throughout: never change them in place.
    """
    now = now or utcnow()
    days = local_days(tz, count, now)
    sums = day_sums(server_ids, days)
    touched = {sid for sid, _index in sums}
    first = days[0][1]
    # All up (or all unchecked) since before the first day: the same bars for every such server.
    plain = [bar(day, max(0.0, (min(end, now) - start).total_seconds()), [0.0] * 4)
             for day, start, end in days]  # fmt: skip
    empty = [bar(day, 0.0, [0.0] * 4) for day, _s, _e in days]
    bars = {}
    for sid, line in open_spans(server_ids).items():
        column = COUNTED.get(line.state)
        if sid not in touched and column is None and line.tracked_since <= first:
            bars[sid] = plain
            continue
        row = []
        for index, (day, start, end) in enumerate(days):
            a, b = max(start, line.tracked_since), min(end, now)
            counted = sums.get((sid, index))
            open_s = max(0.0, (b - max(a, line.since)).total_seconds()) if column is not None else 0
            if b <= a:
                row.append(empty[index])
            elif counted is None and not open_s and a == start:
                row.append(plain[index])
            else:
                counted = list(counted or [0.0] * 4)
                if column is not None:
                    counted[column] += open_s
                row.append(bar(day, (b - a).total_seconds(), counted))
        bars[sid] = row
    return [day.isoformat() for day, _s, _e in days], bars


WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30),
           "90d": timedelta(days=90)}  # fmt: skip


def uptime_of(line: Timeline, now: datetime, names=("24h", "30d", "90d")) -> dict:
    """Return {window: time-weighted uptime % or None} of one timeline (quarter-hour precision)."""
    out = {}
    for name in names:
        observed, counted = line.tally(now - WINDOWS[name], now, now)
        out[name] = bar(now.date(), observed, counted)["uptime_pct"]
    return out


def uptime_windows(server_ids, names=("24h", "30d", "90d"), now=None) -> dict[int, dict]:
    """Return {server_id: {window: time-weighted uptime % or None}}."""
    now = now or utcnow()
    longest = max(WINDOWS[n] for n in names)
    loaded = timelines(server_ids, (now - longest).date())
    return {sid: uptime_of(line, now, names) for sid, line in loaded.items()}
