"""Response times of one server in fixed time buckets, averaged in SQL."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Integer, case, cast, func, select

from pulseguard.extensions import db
from pulseguard.models import CheckOutcome, PingResult
from pulseguard.models.types import utcnow

# window -> (number of buckets, seconds per bucket)
WINDOWS = {"1h": (60, 60), "24h": (96, 900), "7d": (168, 3600)}


def bucket_index(column, first_start, size):
    """Return an SQL expression of the bucket index of a timestamp at or after first_start."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite keeps UTCDateTime as naive UTC text; // is integer division (floor when >= 0).
        return (cast(func.strftime("%s", column), Integer) - first_start) // size
    return func.floor((func.extract("epoch", column) - first_start) / size)


def response_times(server_id: int, window: str, now: datetime | None = None) -> dict:
    """Return the window's buckets: checks, failures and min/avg/max response time of each."""
    count, size = WINDOWS[window]
    now = now or utcnow()
    last_start = int(now.timestamp()) // size * size
    first_start = last_start - (count - 1) * size
    start = datetime.fromtimestamp(first_start, UTC)
    index = bucket_index(PingResult.checked_at, first_start, size)
    failed = case((PingResult.outcome != CheckOutcome.SUCCESS, 1), else_=0)
    stmt = (
        select(
            index.label("i"),
            func.count(),
            func.sum(failed),
            func.avg(PingResult.response_time_ms),
            func.min(PingResult.response_time_ms),
            func.max(PingResult.response_time_ms),
        )
        .where(PingResult.server_id == server_id, PingResult.checked_at >= start)
        .group_by("i")
    )
    buckets = [
        {
            "start": start + timedelta(seconds=i * size),
            "checks": 0,
            "failures": 0,
            "avg_response_time": None,
            "min_response_time": None,
            "max_response_time": None,
        }
        for i in range(count)
    ]
    for i, checks, failures, avg, low, high in db.session.execute(stmt):
        i = int(i)
        if 0 <= i < count:
            buckets[i].update(
                checks=checks,
                failures=int(failures or 0),
                avg_response_time=None if avg is None else round(float(avg), 2),
                min_response_time=low,
                max_response_time=high,
            )
    return {
        "server": server_id,
        "window": window,
        "bucket_seconds": size,
        "start": start,
        "end": start + timedelta(seconds=count * size),
        "buckets": buckets,
    }
