"""Hourly uptime counters: added to in the same transaction as the results they count."""

from collections import defaultdict

from sqlalchemy.dialects import postgresql, sqlite

from pulseguard.models import UptimeRollup
from pulseguard.monitoring.uptime import hour_floor


class RollupCounter:
    """Sums checks per (server, hour) in memory, then adds them to the table in one statement."""

    def __init__(self):
        # (server id, hour) -> [checks, successes, response time sum (ms), responses]
        self.buckets: defaultdict[tuple, list] = defaultdict(lambda: [0, 0, 0.0, 0])

    def add(self, server_id: int, checked_at, ok: bool, response_time_ms: float | None) -> None:
        """Count one check."""
        bucket = self.buckets[(server_id, hour_floor(checked_at))]
        bucket[0] += 1
        bucket[1] += 1 if ok else 0
        if response_time_ms is not None:
            bucket[2] += response_time_ms
            bucket[3] += 1

    def rows(self) -> list[dict]:
        """The counters as rows, sorted so that concurrent writers lock rows in the same order."""
        return [
            {
                "server_id": sid,
                "hour_start": hour,
                "total": b[0],
                "successes": b[1],
                "response_time_sum_ms": b[2],
                "response_count": b[3],
            }
            for (sid, hour), b in sorted(self.buckets.items())
        ]

    def write(self, connection) -> None:
        """Upsert the counters with SQLAlchemy's dialect-specific INSERT ... ON CONFLICT."""
        rows = self.rows()
        if not rows:
            return
        table = UptimeRollup.__table__
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.server_id, table.c.hour_start],
            set_={
                name: table.c[name] + stmt.excluded[name]
                for name in ("total", "successes", "response_time_sum_ms", "response_count")
            },
        )
        connection.execute(stmt, rows)
