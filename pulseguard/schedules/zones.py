"""Time zones: IANA names checked once, wall-clock times turned into real instants.

A wall-clock time inside a DST gap does not exist: Python (and dateutil) give it the offset from
before the gap (02:30+01:00 on 2026-03-29 in Europe/Berlin, an instant that reads 03:30 after the
gap). `instant` moves it to the first valid instant instead, 03:00+02:00, as cronsim does. An
ambiguous wall-clock time (the fall-back hour) takes its first occurrence (fold=0).
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pulseguard.schedules.errors import ScheduleError

LEGACY = {"Europe/Kiev": "Europe/Kyiv"}


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name, field: str = "timezone") -> ZoneInfo:
    """Return the IANA time zone called name (legacy names mapped), or raise ScheduleError."""
    name = LEGACY.get(name, name)
    if not isinstance(name, str) or name not in _names():
        raise ScheduleError(field, "Not a valid IANA time zone.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(field, "Not a valid IANA time zone.") from None


def canonical(name: str) -> str:
    """Return the stored spelling of a time zone name (Europe/Kiev -> Europe/Kyiv)."""
    return LEGACY.get(name, name)


def instant(wall: datetime, tz: ZoneInfo) -> datetime:
    """Return the UTC instant of a naive wall-clock time in tz (a DST-gap time moves forward)."""
    local = wall.replace(tzinfo=tz, fold=0)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) == wall:
        return as_utc
    # In a gap: the transition lies between the two readings of the wall-clock time.
    low = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = as_utc
    before = low.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def wall_clock(moment: datetime, tz: ZoneInfo) -> datetime:
    """Return the naive wall-clock reading of an aware instant in tz."""
    return moment.astimezone(tz).replace(tzinfo=None)
