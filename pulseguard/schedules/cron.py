"""`cron` schedules: a 5-field expression evaluated with cronsim in a time zone.

cronsim (Healthchecks' own) is strict where croniter is lenient: `0 0 31 2 *` is refused, which
the contract reports as "Never fires.". It handles DST itself: a `30 2 * * *` window starts at
03:00 on the spring-forward day and once on the fall-back day. Day-of-month and day-of-week are
ORed as in every cron (`0 19 1-7 * 3` is not "the first Wednesday": use `0 19 * * 3#1`).
"""

from datetime import date, datetime, time, timedelta

from cronsim import CronSim, CronSimError

from pulseguard.schedules.errors import ScheduleError
from pulseguard.schedules.forms import Schedule, parse_duration, utc_now
from pulseguard.schedules.zones import canonical, zone

MESSAGES = {"Wrong number of fields": "Wrong number of fields."}


def _check_expression(expression, moment) -> None:
    if not isinstance(expression, str) or len(expression.split()) != 5:
        raise ScheduleError("expression", "Wrong number of fields.")
    try:
        CronSim(expression, moment)
    except CronSimError as error:
        parts = expression.split()
        try:  # each field is fine alone, only their combination never happens (31 February)
            CronSim(" ".join([*parts[:3], "*", parts[4]]), moment)
        except CronSimError:
            raise ScheduleError("expression", f"{error}.") from None
        raise ScheduleError("expression", "Never fires.") from None


def _date(value, field):
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScheduleError(field, "Not a valid date (YYYY-MM-DD).") from None


class CronSchedule(Schedule):
    """Occurrences start when the expression fires, in the time zone, between the dates."""

    type = "cron"

    def __init__(self, expression, timezone, duration_s, starts_on=None, ends_on=None):
        self.expression, self.timezone = expression, canonical(timezone)
        self.tz = zone(self.timezone)
        self.duration_s = duration_s
        self.duration = timedelta(seconds=duration_s)
        self.starts_on, self.ends_on = starts_on, ends_on

    @classmethod
    def from_spec(cls, spec, now=None):
        now = now or utc_now()
        tz = zone(spec.get("timezone", "UTC"))
        _check_expression(spec.get("expression"), now.astimezone(tz))
        starts_on = _date(spec.get("starts_on"), "starts_on")
        ends_on = _date(spec.get("ends_on"), "ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            raise ScheduleError("ends_on", "Must not be before starts_on.")
        schedule = cls(
            spec["expression"],
            spec.get("timezone", "UTC"),
            parse_duration(spec),
            starts_on,
            ends_on,
        )
        return schedule.checked(now, "expression", "Never fires again before ends_on.")

    @classmethod
    def from_stored(cls, spec):
        return cls(
            spec["expression"],
            spec["timezone"],
            spec["duration"],
            _date(spec.get("starts_on"), "starts_on"),
            _date(spec.get("ends_on"), "ends_on"),
        )

    def to_spec(self):
        return {
            "type": "cron",
            "expression": self.expression,
            "timezone": self.timezone,
            "duration": self.duration_s,
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
        }

    def starts_after(self, moment: datetime):
        local = moment.astimezone(self.tz)
        if self.starts_on:
            first = datetime.combine(self.starts_on, time(), self.tz) - timedelta(seconds=1)
            local = max(local, first)
        for fire in CronSim(self.expression, local.replace(microsecond=0)):
            if self.ends_on and fire.date() > self.ends_on:
                return
            if fire > moment:
                yield fire.astimezone(moment.tzinfo)

    def starts_before(self, moment: datetime):
        local = moment.astimezone(self.tz) + timedelta(seconds=1)
        if self.ends_on:
            last = datetime.combine(self.ends_on + timedelta(days=1), time(), self.tz)
            local = min(local, last)
        for fire in CronSim(self.expression, local.replace(microsecond=0), reverse=True):
            if self.starts_on and fire.date() < self.starts_on:
                return
            if fire <= moment:
                yield fire.astimezone(moment.tzinfo)


def check_expression(expression) -> None:
    """Refuse a cron expression that is not 5 valid fields or never fires (ScheduleError)."""
    _check_expression(expression, utc_now())


def next_fire(expression: str, timezone: str, after: datetime) -> datetime:
    """Return the first firing strictly after `after`, computed in timezone (push deadlines)."""
    local = after.astimezone(zone(timezone))
    # cronsim starts from the next whole second: a firing at exactly `after` is not "after".
    return next(CronSim(expression, local.replace(microsecond=0))).astimezone(after.tzinfo)
