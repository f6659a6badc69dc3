"""Concurrent pings to one server as a new minute and a new hour begin are all recorded.

Uptime Kuma loses them (two pushes racing to insert the new minute's or hour's uptime row make
every later push answer 404); here the hourly rollup is an upsert in the ping's transaction.
"""

from datetime import UTC, datetime, timedelta
from itertools import count

import gevent
from sqlalchemy import func, select

import pulseguard.monitoring.pings as pings_module
from pulseguard.extensions import db
from pulseguard.models import PingResult, UptimeRollup

BOUNDARY = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # a new hour, and so a new minute


def test_concurrent_pings_across_an_hour_boundary_are_all_recorded(app, make_push, monkeypatch):
    server = make_push()
    token = server["push"]["token"]
    ticks = count()
    # Half the pings land in the last millisecond of 10:59, half in the first of 11:00.
    monkeypatch.setattr(
        pings_module,
        "utcnow",
        lambda: BOUNDARY + timedelta(microseconds=(next(ticks) % 2) * 2000 - 1000),
    )
    paths = ["", "/start", "/fail", "/0", "/log"] * 8

    def ping(path):
        return app.test_client().post(f"/api/push/{token}{path}").status_code

    greenlets = [gevent.spawn(ping, path) for path in paths]
    gevent.joinall(greenlets, timeout=60, raise_error=True)
    assert [g.value for g in greenlets] == [200] * len(paths)
    with app.app_context():
        stored = db.session.scalar(
            select(func.count()).select_from(PingResult).where(PingResult.server_id == server["id"])
        )
        hours = db.session.execute(
            select(UptimeRollup.hour_start, UptimeRollup.total)
            .where(UptimeRollup.server_id == server["id"])
            .order_by(UptimeRollup.hour_start)
        ).all()
    assert stored == len(paths)
    # start and log pings are stored but are no measure of uptime: 24 of the 40 count.
    assert [h.hour_start.hour for h in hours] == [10, 11]
    assert sum(h.total for h in hours) == 24
