"""PostgreSQL fast paths for recording a batch: one statement per table, arrays via unnest().

A multi-row INSERT ... VALUES of 500 rows makes psycopg parse a 3,000-placeholder query each time,
and executemany sends one UPDATE per row; unnest() of a few arrays costs one short statement.
"""

import json
from collections.abc import Sequence

INSERT_PINGS = """
INSERT INTO ping_results
    (id, server_id, outcome, response_time_ms, status_code, error_message, checked_at,
     kind, in_maintenance, details, assertions)
SELECT id, server_id, outcome, response_time_ms, status_code, error_message, checked_at,
       kind, in_maintenance, details::json, assertions::json
FROM unnest(
    %(id)s::bigint[], %(server_id)s::int[], %(outcome)s::varchar[], %(response_time_ms)s::float8[],
    %(status_code)s::smallint[], %(error_message)s::varchar[], %(checked_at)s::timestamptz[],
    %(kind)s::varchar[], %(in_maintenance)s::bool[], %(details)s::text[], %(assertions)s::text[])
    AS v(id, server_id, outcome, response_time_ms, status_code, error_message, checked_at,
         kind, in_maintenance, details, assertions)
"""

NEXT_IDS = """
SELECT nextval(pg_get_serial_sequence('ping_results', 'id')) FROM generate_series(1, %(n)s)
"""

UPDATE_STATUSES = """
UPDATE server_statuses AS s SET
    health = v.health, last_check_at = v.last_check_at,
    last_response_time_ms = v.last_response_time_ms, consecutive_failures = v.consecutive_failures,
    message = v.message, changed_at = v.changed_at, updated_at = v.updated_at,
    last_planned_at = v.last_planned_at
FROM unnest(
    %(id)s::int[], %(health)s::varchar[], %(last_check_at)s::timestamptz[],
    %(last_response_time_ms)s::float8[], %(consecutive_failures)s::int[], %(message)s::varchar[],
    %(changed_at)s::timestamptz[], %(updated_at)s::timestamptz[],
    %(last_planned_at)s::timestamptz[], %(guarded)s::bool[], %(read_planned_at)s::timestamptz[])
    AS v(id, health, last_check_at, last_response_time_ms, consecutive_failures, message,
         changed_at, updated_at, last_planned_at, guarded, read_planned_at)
WHERE s.id = v.id AND (NOT v.guarded OR s.last_planned_at IS NOT DISTINCT FROM v.read_planned_at)
RETURNING s.id
"""

UPSERT_ROLLUPS = """
INSERT INTO uptime_rollups
    (server_id, hour_start, total, successes, response_time_sum_ms, response_count)
SELECT * FROM unnest(
    %(server_id)s::int[], %(hour_start)s::timestamptz[], %(total)s::int[], %(successes)s::int[],
    %(response_time_sum_ms)s::float8[], %(response_count)s::int[])
ON CONFLICT (server_id, hour_start) DO UPDATE SET
    total = uptime_rollups.total + excluded.total,
    successes = uptime_rollups.successes + excluded.successes,
    response_time_sum_ms = uptime_rollups.response_time_sum_ms + excluded.response_time_sum_ms,
    response_count = uptime_rollups.response_count + excluded.response_count
"""


def columns(rows: Sequence[dict], names: Sequence[str]) -> dict[str, list]:
    """Turn rows into one list per column."""
    return {name: [row[name] for row in rows] for name in names}


def insert_pings(connection, rows: list[dict]) -> list[int]:
    """Insert PingResult rows; return their ids in the rows' order."""
    ids = [r[0] for r in connection.exec_driver_sql(NEXT_IDS, {"n": len(rows)})]
    params = columns(rows, ("server_id", "outcome", "response_time_ms", "status_code"))
    params |= columns(rows, ("error_message", "checked_at", "kind", "in_maintenance"))
    for name in ("details", "assertions"):  # JSON as text, cast by the statement
        params[name] = [None if r[name] is None else json.dumps(r[name]) for r in rows]
    params["id"] = ids
    connection.exec_driver_sql(INSERT_PINGS, params)
    return ids


def update_statuses(connection, statuses: list[dict]) -> int:
    """Update ServerStatus rows by id; return how many were updated.

    A row marked `guarded` is updated only if its last_planned_at is still `read_planned_at`
    (compare-and-set: another worker recorded the same claim meanwhile otherwise).
    """
    names = (
        "id", "health", "last_check_at", "last_response_time_ms", "consecutive_failures",
        "message", "changed_at", "updated_at", "last_planned_at", "guarded", "read_planned_at",
    )  # fmt: skip
    return len(connection.exec_driver_sql(UPDATE_STATUSES, columns(statuses, names)).all())


def upsert_rollups(connection, rows: list[dict]) -> None:
    """Add to the hourly counters (rows are unique per server and hour)."""
    names = (
        "server_id", "hour_start", "total", "successes", "response_time_sum_ms", "response_count",
    )  # fmt: skip
    connection.exec_driver_sql(UPSERT_ROLLUPS, columns(rows, names))
