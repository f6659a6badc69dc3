"""A schedule in words: "At 19:00 on the first Wednesday of the month (Europe/Berlin), for 2 h".

Reads the normalised spec a schedule stores (`Schedule.to_spec`), so it describes what was saved,
not what was typed. The words are a reading aid next to the next occurrences, which stay the
truth: a cron or RRULE construct this module does not know is quoted as written, never guessed.
Cron's day-of-month and day-of-week are ORed, and the words say so ("on days 1 to 7 of the month
and on Wednesdays"), which is the point of showing them (API-NEXT §2).
"""

from datetime import datetime

DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONTHS = (
    "January February March April May June July August September October November December"
).split()
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
ICAL_DAYS = {"SU": 0, "MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6}
CRON_DAYS = {name[:3].upper(): n for n, name in enumerate(DAYS)}
CRON_MONTHS = {name[:3].upper(): n for n, name in enumerate(MONTHS, 1)}


class UnknownError(Exception):
    """A construct these words do not cover: the caller quotes the rule instead."""


def describe(spec: dict) -> str:
    """Return a normalised schedule spec in English."""
    kind = spec.get("type")
    if kind == "manual":
        return "Manual: in force only between Start and Stop."
    if kind == "once":
        return f"Once, from {_utc(spec['start'])} to {_utc(spec['end'])}."
    if kind == "cron":
        try:
            when = cron_words(spec["expression"])
        except UnknownError:
            when = f"Cron “{spec['expression']}”"
        dates = ""
        if spec.get("starts_on"):
            dates += f", from {spec['starts_on']}"
        if spec.get("ends_on"):
            dates += f", until {spec['ends_on']}"
        return f"{when} ({spec['timezone']}), for {duration_words(spec['duration'])}{dates}."
    if kind == "rrule":
        try:
            when = rrule_words(spec["rrule"], spec["dtstart"])
        except UnknownError:
            when = f"RRULE “{spec['rrule']}”"
        since = spec["dtstart"].replace("T", " ")
        return (
            f"{when} ({spec['timezone']}), for {duration_words(spec['duration'])}, "
            f"starting {since}."
        )
    return str(kind)


def duration_words(seconds: int) -> str:
    """Return 5400 as "1 h 30 min", 172800 as "2 d"."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} d" * bool(days), f"{hours} h" * bool(hours), f"{minutes} min" * bool(minutes)]
    parts.append(f"{secs} s" * bool(secs))
    return " ".join(p for p in parts if p) or "0 s"


def _utc(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _clock(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


# cron ---------------------------------------------------------------------------------------


def _number(text: str, names: dict[str, int] | None = None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise UnknownError(text)
    return int(text)


def _items(field: str, names=None, name_of=str) -> list[str]:
    """Return a cron field's comma-separated items in words ("1 to 5", "every 2nd from 0")."""
    words = []
    for item in field.split(","):
        base, _, step = item.partition("/")
        if base in ("*", "?"):
            if not step:
                raise UnknownError(item)  # "*" alone is handled by the callers
            words.append(f"every {_number(step)}")
            continue
        low, _, high = base.partition("-")
        first = name_of(_number(low, names))
        text = f"{first} to {name_of(_number(high, names))}" if high else first
        words.append(f"{text}, every {_number(step)}" if step else text)
    return words


def _single(field: str) -> int | None:
    return int(field) if field.isdigit() else None


def _values(field: str, low: int, high: int) -> list[int]:
    """Return the numbers a numeric cron field selects ("*/6" in hours: 0, 6, 12, 18)."""
    found: set[int] = set()
    for item in field.split(","):
        base, _, step = item.partition("/")
        first, _, last = base.partition("-")
        start = low if first == "*" else _number(first)
        end = (high if first == "*" or step else start) if not last else _number(last)
        found.update(range(start, end + 1, _number(step) if step else 1))
    return sorted(found)


def _cron_time(minute: str, hour: str) -> str:
    m = _single(minute)
    if m is not None and hour != "*":
        hours = _values(hour, 0, 23)
        if len(hours) <= 8:
            return "at " + _and([_clock(h, m) for h in hours])
        return f"at minute {m} of hours {_and(_items(hour))}"
    if m is not None:
        return f"every hour at minute {m}"
    if minute == "*" or minute.startswith("*/"):
        minutes = "every minute" if minute == "*" else f"every {_number(minute[2:])} minutes"
    else:
        minutes = "at minute " + _and(_items(minute))
    hours_words = "of every hour" if hour == "*" else "of hours " + _and(_items(hour))
    return f"{minutes} {hours_words}"


def _weekday(n: int) -> str:
    if not 0 <= n <= 7:
        raise UnknownError(n)
    return DAYS[n % 7]


def _cron_weekdays(field: str) -> str:
    words = []
    for item in field.split(","):
        if "#" in item:
            day, _, nth = item.partition("#")
            words.append(f"the {ORDINALS[_number(nth)]} {_weekday(_number(day, CRON_DAYS))}")
        elif item.upper().endswith("L") and len(item) > 1:
            words.append(f"the last {_weekday(_number(item[:-1], CRON_DAYS))}")
        else:
            words.extend(s + "s" if " " not in s else s for s in _items(item, CRON_DAYS, _weekday))
    monthly = any(w.startswith("the ") for w in words)
    return "on " + _and(words) + (" of the month" if monthly else "")


def _cron_days(field: str) -> str:
    if field.upper() == "L":
        return "on the last day of the month"
    words = _items(field)
    return f"on day{'s' * (len(words) > 1 or ' to ' in words[0])} {_and(words)} of the month"


def _month(n: int) -> str:
    if not 1 <= n <= 12:
        raise UnknownError(n)
    return MONTHS[n - 1]


def cron_words(expression: str) -> str:
    """Return a 5-field cron expression in words; UnknownError for what it cannot say."""
    parts = expression.split()
    if len(parts) != 5:
        raise UnknownError(expression)
    minute, hour, dom, month, dow = parts
    time = _cron_time(minute, hour)
    days = []
    if dom not in ("*", "?"):
        days.append(_cron_days(dom))
    if dow not in ("*", "?"):
        days.append(_cron_weekdays(dow))
    when = " and ".join(days) if days else "every day"
    if month != "*":
        when += " in " + _and(_items(month, CRON_MONTHS, _month))
    if when == "every day":
        clock = time.startswith("at ") and ":" in time
        return f"Every day {time}" if clock else f"{time[0].upper()}{time[1:]}"
    return f"{time[0].upper()}{time[1:]}, {when}"


# RRULE --------------------------------------------------------------------------------------

FREQS = {"YEARLY": "year", "MONTHLY": "month", "WEEKLY": "week", "DAILY": "day", "HOURLY": "hour"}


def _ints(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",")]
    except ValueError:
        raise UnknownError(text) from None


def _ical_day(item: str) -> str:
    day = item[-2:].upper()
    if day not in ICAL_DAYS:
        raise UnknownError(item)
    name = DAYS[ICAL_DAYS[day]]
    if len(item) == 2:
        return name
    nth = int(item[:-2].lstrip("+"))
    if nth not in ORDINALS:
        raise UnknownError(item)
    return f"the {ORDINALS[nth]} {name}"


def _monthday(n: int) -> str:
    return "the last day" if n == -1 else f"day {n}"


def rrule_words(rule: str, dtstart: str) -> str:
    """Return an RRULE (with its local dtstart) in words; UnknownError for what it cannot say."""
    parts = {}
    for part in rule.strip().removeprefix("RRULE:").split(";"):
        key, _, value = part.partition("=")
        parts[key.strip().upper()] = value.strip()
    start = datetime.strptime(dtstart, "%Y-%m-%dT%H:%M")
    freq = FREQS.get(parts.pop("FREQ", ""))
    if freq is None:
        raise UnknownError(rule)
    interval = int(parts.pop("INTERVAL", "1") or 1)
    words = [f"Every {interval} {freq}s" if interval > 1 else f"Every {freq}"]
    if "BYMONTH" in parts:
        words.append("in " + _and([_month(n) for n in _ints(parts.pop("BYMONTH"))]))
    if "BYMONTHDAY" in parts:
        words.append("on " + _and([_monthday(n) for n in _ints(parts.pop("BYMONTHDAY"))]))
    if "BYDAY" in parts:
        days = [_ical_day(d) for d in parts.pop("BYDAY").split(",")]
        words.append("on " + _and(days))
    hours = _ints(parts.pop("BYHOUR")) if "BYHOUR" in parts else [start.hour]
    minutes = _ints(parts.pop("BYMINUTE")) if "BYMINUTE" in parts else [start.minute]
    if freq == "hour" and len(minutes) == 1 and "BYHOUR" not in rule.upper():
        words.append(f"at minute {minutes[0]}")
    else:
        words.append("at " + _and([_clock(h, m) for h in hours for m in minutes]))
    tail = []
    if "COUNT" in parts:
        tail.append(f"{int(parts.pop('COUNT'))} times")
    if "UNTIL" in parts:
        until = parts.pop("UNTIL")
        tail.append(f"until {until[:4]}-{until[4:6]}-{until[6:8]}")
    parts.pop("WKST", None)
    if parts:  # BYSETPOS, BYWEEKNO, ...: quoted as written rather than half said
        raise UnknownError(rule)
    return ", ".join([" ".join(words), *tail])
