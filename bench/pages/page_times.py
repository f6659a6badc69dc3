"""Server time of one big status page: 500 servers in 20 groups with 90 days of state history.

    flock /tmp/pulseguard-bench.lock .venv/bin/python bench/pages/page_times.py [--database URL]

Seeds an empty database (SQLite file by default; `--database postgresql+psycopg://...` for an
existing, empty PostgreSQL database) through the same timeline code that recording uses (a few
outages, slow spells and maintenance per server), then times, in process and without HTTP, the
uncached summary JSON, the 90 daily bars (alone, and through their route with the JSON encoding),
and a cached summary answer through the test client.
Prints medians of --runs runs, and the load average.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def seed(app, servers, groups):
    from pulseguard.extensions import db
    from pulseguard.models import Server, ServerStatus, StatusPage, User
    from pulseguard.models.types import utcnow
    from pulseguard.monitoring import timeline

    rng = random.Random(14)
    with app.app_context():
        db.create_all()
        owner = User(username="owner")
        owner.set_password("a long password")
        db.session.add(owner)
        db.session.flush()
        now = utcnow()
        made = now - timedelta(days=95)
        rows = [Server(owner_id=owner.id, name=f"server-{n:03d}", host=f"s{n}.example.com",
                       protocol="https", port=443, created_at=made,
                       current_status=ServerStatus(health="up", changed_at=made))
                for n in range(servers)]  # fmt: skip
        db.session.add_all(rows)
        db.session.flush()
        moves = []
        for server in rows:
            moves.append(timeline.Move(server.id, "unknown", "up", made, made))
            at = made
            for _ in range(rng.randint(2, 8)):
                at += timedelta(hours=rng.uniform(1, 600))
                if at >= now - timedelta(hours=3):
                    break
                bad = rng.choice(["down", "degraded", "maintenance"])
                moves.append(timeline.Move(server.id, "up", bad, at, made))
                at += timedelta(minutes=rng.uniform(2, 120))
                moves.append(timeline.Move(server.id, bad, "up", at, made))
        timeline.move(db.session.connection(), moves)
        per = servers // groups
        layout = [{"name": f"Group {g + 1}",
                   "servers": [{"server": s.id} for s in rows[g * per:(g + 1) * per]]}
                  for g in range(groups)]  # fmt: skip
        db.session.add(StatusPage(owner_id=owner.id, slug="big", title="Big", published=True,
                                  groups=layout, timezone="Europe/Berlin"))  # fmt: skip
        db.session.commit()
        return len(moves)


def timed(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database")
    parser.add_argument("--servers", type=int, default=500)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    from config import TestingConfig
    from pulseguard import create_app, pagecache
    from pulseguard.extensions import db
    from pulseguard.models import StatusPage
    from pulseguard.pages.summary import summary, uptime_bars

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.REDIS_URL = os.environ.get("BENCH_REDIS_URL")
    app = create_app(config)
    moves = seed(app, args.servers, args.groups)
    with app.app_context():
        page = db.session.query(StatusPage).one()
        summary_ms = timed(lambda: summary(page), args.runs)
        bars_ms = timed(lambda: uptime_bars(page, 90), args.runs)
        client = app.test_client()
        route_ms = timed(lambda: client.get("/api/public/status-pages/big/uptime/"), args.runs)
        client.get("/api/public/status-pages/big/")  # fill the cache
        start, count = time.perf_counter(), 0
        while time.perf_counter() - start < 5:
            assert client.get("/api/public/status-pages/big/").status_code == 200
            count += 1
        cached_rps = count / (time.perf_counter() - start)
        pagecache.clear_slugs(["big"])
    load = os.getloadavg()
    print(f"database {url.split(':')[0]}, {args.servers} servers in {args.groups} groups, "
          f"{moves} state changes over 95 days")  # fmt: skip
    for label, (median, low, high) in (("uncached summary JSON", summary_ms),
                                       ("90 daily bars", bars_ms),
                                       ("90 daily bars, route and JSON", route_ms)):  # fmt: skip
        print(f"{label}: median {median:.0f} ms (min {low:.0f}, max {high:.0f})")
    print(f"cached summary through the WSGI test client, one thread: {cached_rps:.0f} requests/s")
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print("command:", " ".join([".venv/bin/python", *sys.argv]))


if __name__ == "__main__":
    main()
