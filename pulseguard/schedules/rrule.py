"""`rrule` schedules: an RFC 5545 RRULE from a local dtstart, evaluated with python-dateutil.

The rule runs on naive wall-clock times in the window's time zone (so "19:00 every first
Wednesday" stays 19:00 across DST), and each occurrence becomes an instant through
`zones.instant`: dateutil would give a start inside a DST gap the nonexistent 02:30+01:00; here it
moves to 03:00. `FREQ=MINUTELY/SECONDLY` is refused (a window every minute is a mistake), as is a
COUNT above 10000, and a rule with no occurrence left.
"""

from datetime import datetime, timedelta

from dateutil.rrule import HOURLY, rrulestr

from pulseguard.schedules.errors import ScheduleError
from pulseguard.schedules.forms import Schedule, parse_duration, utc_now
from pulseguard.schedules.zones import canonical, instant, wall_clock, zone

MAX_COUNT = 10000
SLACK = timedelta(hours=3)  # wider than any DST shift: wall-clock readings are not monotonic


def _rule(text, dtstart):
    if not isinstance(text, str) or not text.strip():
        raise ScheduleError("rrule", "Required.")
    if "DTSTART" in text.upper():
        raise ScheduleError("rrule", "Give the start in dtstart, not in the rule.")
    try:
        rule = rrulestr(text.strip().removeprefix("RRULE:"), dtstart=dtstart, cache=True)
    except (ValueError, TypeError) as error:
        raise ScheduleError("rrule", str(error)) from None
    if not hasattr(rule, "_freq"):
        raise ScheduleError("rrule", "Give one RRULE.")
    if rule._freq > HOURLY:  # noqa: SLF001 - dateutil keeps the parsed FREQ there
        raise ScheduleError("rrule", "FREQ must be HOURLY or longer.")
    if rule._count is not None and rule._count > MAX_COUNT:  # noqa: SLF001
        raise ScheduleError("rrule", f"COUNT must be at most {MAX_COUNT}.")
    return rule


def _dtstart(value):
    try:
        moment = datetime.strptime(str(value), "%Y-%m-%dT%H:%M")
    except ValueError:
        raise ScheduleError("dtstart", "Must be a local time YYYY-MM-DDTHH:MM.") from None
    return moment


class RRuleSchedule(Schedule):
    """Occurrences start at the rule's wall-clock times in the time zone."""

    type = "rrule"

    def __init__(self, text, dtstart, timezone, duration_s):
        self.text, self.dtstart, self.timezone = text.strip(), dtstart, canonical(timezone)
        self.tz = zone(self.timezone)
        self.rule = _rule(self.text, dtstart)
        self.duration_s = duration_s
        self.duration = timedelta(seconds=duration_s)

    @classmethod
    def from_spec(cls, spec, now=None):
        now = now or utc_now()
        zone(spec.get("timezone", "UTC"))
        dtstart = _dtstart(spec.get("dtstart"))
        _rule(spec.get("rrule"), dtstart)
        schedule = cls(spec["rrule"], dtstart, spec.get("timezone", "UTC"), parse_duration(spec))
        return schedule.checked(now, "rrule", "Has no future occurrence.")

    @classmethod
    def from_stored(cls, spec):
        return cls(spec["rrule"], _dtstart(spec["dtstart"]), spec["timezone"], spec["duration"])

    def to_spec(self):
        return {
            "type": "rrule",
            "rrule": self.text,
            "dtstart": self.dtstart.strftime("%Y-%m-%dT%H:%M"),
            "timezone": self.timezone,
            "duration": self.duration_s,
        }

    def starts_after(self, moment: datetime):
        for wall in self.rule.xafter(wall_clock(moment, self.tz) - SLACK, inc=True):
            start = instant(wall, self.tz)
            if start > moment:
                yield start.astimezone(moment.tzinfo)

    def starts_before(self, moment: datetime):
        wall = self.rule.before(wall_clock(moment, self.tz) + SLACK, inc=True)
        while wall is not None:
            start = instant(wall, self.tz)
            if start <= moment:
                yield start.astimezone(moment.tzinfo)
            wall = self.rule.before(wall)
