"""Push deadlines that fell inside a maintenance window move past its end (API-NEXT §1.2, §2).

While a window covers a push server the deadline sweep leaves it alone (it watches alerting
servers only). When the window ends, a deadline that fell inside it would be swept at once,
so a job that could not run during planned work would alarm the moment the work is over. So
at the end (`end`, the sweep's time) each deadline that fell inside moves to `end + grace`:

- `next_expected_at` ≤ end (the server is not late yet): it becomes end + grace, and
  `alert_after` follows it by another grace as usual (a run in progress keeps its own limit,
  itself moved past end + grace if it fell inside);
- otherwise an `alert_after` ≤ end (late before the window, or a run's limit) becomes end + grace.

A ping during the window set fresh deadlines already; those after the end are left alone.
"""

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from pulseguard.extensions import db
from pulseguard.kinds.push import max_runtime_s, settings_of
from pulseguard.models import PushMonitor, Server


def move_past_window(server_ids: list[int], end: datetime) -> None:
    """Move the deadlines of these servers (those that are push servers) past `end`."""
    rows = db.session.execute(
        select(
            PushMonitor.server_id,
            PushMonitor.stage,
            PushMonitor.next_expected_at,
            PushMonitor.alert_after,
            PushMonitor.running,
            PushMonitor.started_at,
            Server.settings,
        )
        .join(Server, Server.id == PushMonitor.server_id)
        .where(
            Server.id.in_(server_ids),
            Server.protocol == "push",
            PushMonitor.stage.in_(("ok", "late")),
            or_(PushMonitor.next_expected_at <= end, PushMonitor.alert_after <= end),
        )
    ).all()
    for row in rows:
        settings = settings_of(row)
        grace = timedelta(seconds=settings["grace"])
        expected, alert = row.next_expected_at, max(row.alert_after or end, end + grace)
        if row.stage == "ok" and expected is not None and expected <= end:
            expected = end + grace
            alert = expected + grace
            if row.running and row.started_at is not None:
                limit = row.started_at + timedelta(seconds=max_runtime_s(settings))
                alert = min(alert, max(limit, end + grace))
        db.session.execute(
            update(PushMonitor)
            .where(PushMonitor.server_id == row.server_id, PushMonitor.stage == row.stage)
            .values(next_expected_at=expected, alert_after=alert)
            .execution_options(synchronize_session=False)
        )
