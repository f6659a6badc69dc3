"""Schedules of maintenance windows: parsed once when saved, evaluated when needed, never stored.

A schedule is one of four forms (`once`, `cron`, `rrule`, `manual`; API-NEXT §2). `parse` turns
its JSON into an object that answers the two questions PulseGuard asks: which occurrence holds at a
given instant (`current`), and which come next (`upcoming`). Occurrences are (start, end) pairs of
timezone-aware UTC datetimes; nothing here stores a list of future occurrences. Plain Python with
no PulseGuard imports, so that the "monitored now" rule (models/) can use it.
"""

from datetime import datetime

from pulseguard.schedules.cron import CronSchedule
from pulseguard.schedules.errors import ScheduleError
from pulseguard.schedules.forms import ManualSchedule, OnceSchedule, Schedule
from pulseguard.schedules.rrule import RRuleSchedule

FORMS: dict[str, type[Schedule]] = {
    "once": OnceSchedule,
    "cron": CronSchedule,
    "rrule": RRuleSchedule,
    "manual": ManualSchedule,
}


def parse(spec: dict, now: datetime | None = None, validate: bool = True) -> Schedule:
    """Return the schedule a JSON spec describes; ScheduleError(field, message) if it is wrong.

    validate=False reads a stored spec: the rules that only hold when it is saved (an end in
    the future, a future occurrence) are not applied again.
    """
    form = FORMS.get(str(spec.get("type")))
    if form is None:
        raise ScheduleError("type", f"Must be one of: {', '.join(FORMS)}.")
    return form.from_spec(spec, now) if validate else form.from_stored(spec)


__all__ = ["FORMS", "Schedule", "ScheduleError", "parse"]
