"""The schedule interface, and the two simple forms: `once` and `manual`."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice

from pulseguard.schedules.errors import ScheduleError

Occurrence = tuple[datetime, datetime]
MAX_ONCE = timedelta(days=366)
MIN_DURATION, MAX_DURATION = 60, 2678400  # seconds: one minute .. 31 days


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_time(value, field: str) -> datetime:
    """Return an ISO 8601 timestamp as aware UTC (naive input is UTC)."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ScheduleError(field, "Not a valid datetime.") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_duration(spec: dict) -> int:
    value = spec.get("duration")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScheduleError("duration", "Must be a whole number of seconds.")
    if not MIN_DURATION <= value <= MAX_DURATION:
        raise ScheduleError("duration", f"Must be between {MIN_DURATION} and {MAX_DURATION}.")
    return value


class Schedule:
    """A parsed schedule. Subclasses give `starts_from` (occurrence starts) and `duration`."""

    type = ""
    duration: timedelta | None = None

    @classmethod
    def from_spec(cls, spec: dict, now: datetime | None = None) -> "Schedule":
        raise NotImplementedError

    @classmethod
    def from_stored(cls, spec: dict) -> "Schedule":
        """Rebuild a schedule from the spec `to_spec` stored."""
        raise NotImplementedError

    def to_spec(self) -> dict:
        """Return the normalised JSON to store."""
        raise NotImplementedError

    def starts_after(self, moment: datetime) -> Iterator[datetime]:
        """Yield occurrence starts strictly after moment, in order (UTC)."""
        return iter(())

    def starts_before(self, moment: datetime) -> Iterator[datetime]:
        """Yield occurrence starts at or before moment, latest first (UTC)."""
        return iter(())

    def current(self, moment: datetime) -> Occurrence | None:
        """Return the occurrence that holds at moment, or None."""
        if self.duration is None:
            return None
        for start in self.starts_before(moment):
            end = start + self.duration
            if moment < end:
                return start, end
            return None  # occurrences are shorter than the gaps between them
        return None

    def upcoming(self, moment: datetime, count: int = 10) -> list[Occurrence]:
        """Return the next occurrences that start after moment."""
        if self.duration is None:
            return []
        duration = self.duration
        return [(s, s + duration) for s in islice(self.starts_after(moment), count)]

    def between(self, start: datetime, end: datetime, limit: int = 100) -> list[Occurrence]:
        """Return the occurrences that overlap [start, end), at most limit."""
        found = []
        held = self.current(start)
        if held:
            found.append(held)
        for occurrence in self.upcoming(start, limit):
            if occurrence[0] >= end or len(found) >= limit:
                break
            if occurrence not in found:
                found.append(occurrence)
        return found[:limit]

    def checked(self, moment: datetime, field: str, never: str) -> "Schedule":
        """Return self if it has a future occurrence and its occurrences never overlap."""
        if next(self.starts_after(moment), None) is None:
            raise ScheduleError(field, never)
        self.check_gaps(moment)
        return self

    def check_gaps(self, moment: datetime, sample: int = 50) -> None:
        """Refuse a duration that is not shorter than the gap between two occurrences."""
        starts = list(islice(self.starts_after(moment), sample))
        gaps = (b - a for a, b in zip(starts, starts[1:], strict=False))
        if self.duration and any(gap <= self.duration for gap in gaps):
            raise ScheduleError("duration", "Longer than the time between occurrences.")


class OnceSchedule(Schedule):
    """One occurrence, from start to end."""

    type = "once"

    def __init__(self, start: datetime, end: datetime):
        self.start, self.end = start, end
        self.duration = end - start

    @classmethod
    def from_spec(cls, spec, now=None):
        start, end = parse_time(spec.get("start"), "start"), parse_time(spec.get("end"), "end")
        if end <= start:
            raise ScheduleError("end", "Must be after start.")
        if end - start > MAX_ONCE:
            raise ScheduleError("end", "At most 366 days after start.")
        if end <= (now or utc_now()):
            raise ScheduleError("end", "Must be in the future.")
        return cls(start, end)

    @classmethod
    def from_stored(cls, spec):
        return cls(parse_time(spec["start"], "start"), parse_time(spec["end"], "end"))

    def to_spec(self):
        return {"type": "once", "start": self.start.isoformat(), "end": self.end.isoformat()}

    def starts_after(self, moment):
        return iter([self.start] if self.start > moment else [])

    def starts_before(self, moment):
        return iter([self.start] if self.start <= moment else [])


class ManualSchedule(Schedule):
    """No occurrences of its own: active only between start/ and stop/."""

    type = "manual"

    @classmethod
    def from_spec(cls, spec, now=None):
        return cls()

    @classmethod
    def from_stored(cls, spec):
        return cls()

    def to_spec(self):
        return {"type": "manual"}
