"""Daily bars and time-weighted uptime, read from state timelines (StateDay + StateSpan) only.

A page's days begin and end at midnight in its own time zone (23 or 25 hours long on DST days);
each is cut from the quarter-hour slots of the one or two UTC days it overlaps, plus the open
interval of the server's current state. Raw results are never read. Maintenance leaves both
sides of the uptime fraction (the `exclude` rule), pauses and "not checked yet" too.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import Server, ServerStatus, StateDay, StateSpan
from pulseguard.models.types import utcnow
from pulseguard.monitoring.timeline import COUNTED, SLOT_S, day_start, state_of

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

    def per_day(self, days: list[tuple[date, datetime, datetime]], now: datetime) -> list:
        """Return (observed, counted) for each of consecutive days, in one pass over the slots."""
        starts = [start for _day, start, _end in days]
        first, last = starts[0], days[-1][2]
        counted = [[0.0] * 4 for _ in days]
        for day, slots in self.days.items():
            midnight = day_start(day)
            for slot, seconds in slots.items():
                moment = midnight + timedelta(seconds=SLOT_S * int(slot))
                if first <= moment < last:
                    row = counted[bisect_right(starts, moment) - 1]
                    for i in range(4):
                        row[i] += seconds[i]
        column = COUNTED.get(self.state)
        out = []
        for (_day, start, end), row in zip(days, counted, strict=True):
            a, b = max(start, self.tracked_since), min(end, now)
            observed = max(0.0, (b - a).total_seconds())
            if column is not None and observed:
                row[column] += max(0.0, (b - max(a, self.since)).total_seconds())
            out.append((observed, row))
        return out


def timelines(server_ids, first_day: date) -> dict[int, Timeline]:
    """Load the timelines of the given servers, with their days from first_day (UTC) on."""
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


def daily_bars(server_ids, tz: ZoneInfo, count: int, now=None) -> tuple[list[str], dict]:
    """Return (dates, {server_id: [bar per day, oldest first]}) for the last `count` days in tz."""
    now = now or utcnow()
    days = local_days(tz, count, now)
    loaded = timelines(server_ids, days[0][1].date())
    bars = {
        sid: [bar(day, *figures) for (day, _s, _e), figures in zip(days, line.per_day(days, now),
                                                                   strict=True)]
        for sid, line in loaded.items()
    }  # fmt: skip
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
