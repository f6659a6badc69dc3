"""Helpers of the fault tests that watch checks: creating monitors and reading their results."""

import time
from datetime import UTC, datetime


def create_servers(stack, target, count, path="/ok", interval_s=2):
    """Create monitors through the API, then shorten their interval below the API's minimum."""
    ids = []
    for index in range(count):
        body = {
            "name": f"ops-{index}",
            "protocol": "http",
            "host": "127.0.0.1",
            "port": target.port,
            "path": f"{path}/{index}",
            "timeout": 10,
        }
        response = stack.api("POST", "/api/servers/", json=body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    # Due now, at the new interval (their first check was planned at the API's 60 s).
    stack.database.query(
        "UPDATE servers SET check_interval_s = %s, next_check_at = now()", interval_s
    )
    return ids


def results_by_server(stack, since=None):
    """Return {server id: [checked_at, ...]} of the recorded results, oldest first."""
    sql = "SELECT server_id, checked_at FROM ping_results"
    params = ()
    if since is not None:
        sql += " WHERE checked_at >= %s"
        params = (since,)
    found = {}
    for server_id, checked_at in stack.database.query(sql + " ORDER BY checked_at", *params):
        found.setdefault(server_id, []).append(checked_at)
    return found


def every_server_checked(stack, ids, since):
    """True when each server has a result checked at or after `since`."""
    found = results_by_server(stack, since)
    return all(found.get(sid) for sid in ids)


def smallest_gap_s(stack, since=None):
    """The shortest time between two results of the same server (a double check shows as ~0).

    Results are stamped with the time the probe started, so on a loaded machine a gap may be
    shorter than the interval by the difference of two start delays; a check recorded twice, or
    run twice for the same planned time, shows as a gap near zero.
    """
    gaps = [
        (b - a).total_seconds()
        for times in results_by_server(stack, since).values()
        for a, b in zip(times, times[1:], strict=False)
    ]
    return min(gaps) if gaps else float("inf")  # no server checked twice yet: none doubled


def rollups_match_results(stack):
    """True when every server's rollup total equals its result rows: no half-written batch."""
    rows = stack.database.query(
        "SELECT s.id, COALESCE((SELECT SUM(total) FROM uptime_rollups r WHERE r.server_id = s.id),"
        " 0), (SELECT COUNT(*) FROM ping_results p WHERE p.server_id = s.id) FROM servers s"
    )
    mismatched = [(sid, total, count) for sid, total, count in rows if total != count]
    return not mismatched, mismatched


def now():
    return datetime.now(UTC)


def settle(seconds):
    time.sleep(seconds)
