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
from pulseguard.monitoring.ping_batcher import PingBatcher
from pulseguard.monitoring.pings import ByToken, Ping

BOUNDARY = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # a new hour, and so a new minute


def test_concurrent_pings_across_an_hour_boundary_are_all_recorded(app, make_push, monkeypatch):
    server = make_push()
    token = server["push"]["token"]
    ticks = count()
    # The clock crosses 11:00 in the middle of the burst: 10:59:59.999 + 50 µs per reading.
    monkeypatch.setattr(
        pings_module,
        "utcnow",
        lambda: BOUNDARY + timedelta(microseconds=next(ticks) * 50 - 1000),
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


def test_two_processes_batches_to_the_same_servers_all_commit(app, make_push):
    """Two web processes' batchers lock overlapping servers in id order: no deadlock, no loss."""
    servers = [make_push(), make_push()]
    batchers = [PingBatcher(app, max_batch=50, max_delay=0.01) for _ in range(2)]
    pings = []
    for n in range(40):
        server = servers[n % 2] if n % 4 < 2 else servers[1 - n % 2]  # both orders in each batch
        pings.append((batchers[n % 2], ByToken(server["push"]["token"])))
    try:
        greenlets = [
            gevent.spawn(batcher.submit, finder, Ping(event="success", method="GET"))
            for batcher, finder in pings
        ]
        gevent.joinall(greenlets, timeout=60, raise_error=True)
    finally:
        for batcher in batchers:
            batcher.greenlet.kill()
    assert {g.value.status for g in greenlets} == {"up"}
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(PingResult))
    assert stored == 40
