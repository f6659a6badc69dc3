"""CPU of one maintenance sweep over bench/maintenance/run.py's servers and windows, in-process.

    .venv/bin/python bench/maintenance/sweep_cost.py --servers 10000 --sweeps 60 [--profile]

A fresh PostgreSQL database (BENCH_PG_URL's server) gets run.py's 10,000 tagged servers and 100
windows (10 tag windows in force). `apply_windows()` then runs `--sweeps` times with Redis
(BENCH_REDIS_URL: the servers' version is there, so the servers are selected again only when it
moves) and as many times without (REDIS_URL unset: selected every sweep, as before the version),
alternated in blocks of 10. It prints the CPU seconds (this process: the sweep's Python and
driver work; the database's own work is not counted) per sweep, median and mean, and with
--profile the top of a cProfile of one sweep of each kind.
"""

import argparse
import cProfile
import pstats
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import psycopg
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.checks.run import PG_ADMIN, REDIS_URL  # noqa: E402
from bench.maintenance.run import TAGS, MaintenanceBench  # noqa: E402
from config import TestingConfig  # noqa: E402
from pulseguard import create_app  # noqa: E402
from pulseguard.extensions import db  # noqa: E402
from pulseguard.models import MaintenanceWindow, Server, ServerStatus, User  # noqa: E402
from pulseguard.models.maintenance_window import window_servers  # noqa: E402
from pulseguard.monitoring.maintenance import apply_windows  # noqa: E402


def seed(count: int) -> None:
    owner = db.session.execute(
        insert(User.__table__).returning(User.__table__.c.id),
        [{"username": "bench", "password_hash": "!", "is_admin": True}],
    ).scalar_one()
    rows = [
        {
            "owner_id": owner,
            "name": f"s{i}",
            "protocol": "http",
            "host": "127.0.0.1",
            "port": 9,
            "path": f"/s/{i}",
            "check_interval_s": 30,
            "timeout_s": 10.0,
            "monitoring_state": "active",
            "tags": [f"t{i * TAGS // count}"],
            "headers": {},
            "assertions": [],
        }  # fmt: skip
        for i in range(count)
    ]
    db.session.execute(insert(Server.__table__), rows)
    ids = list(db.session.scalars(select(Server.id).order_by(Server.id)))
    db.session.execute(insert(ServerStatus.__table__), [{"server_id": sid} for sid in ids])
    shape = SimpleNamespace(ids=ids, planned_at=time.time() + 3600)
    windows = MaintenanceBench.windows(shape, owner, datetime.now(UTC))  # type: ignore[arg-type]
    table = MaintenanceWindow.__table__
    window_ids = db.session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [row for row, _servers in windows],
    ).scalars()
    links = [
        {"window_id": wid, "server_id": sid}
        for wid, (_row, servers) in zip(window_ids, windows, strict=True)
        for sid in servers
    ]
    db.session.execute(insert(window_servers), links)
    db.session.commit()


def sweeps(app, n: int) -> list[float]:
    spent = []
    with app.app_context():
        for _ in range(n):
            started = time.process_time()
            apply_windows()
            spent.append(time.process_time() - started)
            db.session.remove()
    return spent


def profile(app, label: str) -> None:
    with app.app_context():
        apply_windows()  # warm
        profiler = cProfile.Profile()
        profiler.enable()
        apply_windows()
        profiler.disable()
    print(f"--- cProfile, one sweep {label}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=10000)
    parser.add_argument("--sweeps", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    name = f"pulseguard_sweep_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        apps = {}
        for label, redis in (("with the version", REDIS_URL), ("selecting every sweep", None)):
            config = TestingConfig()
            config.SQLALCHEMY_DATABASE_URI = f"{base}/{name}"
            config.REDIS_URL = redis
            config.EVENTS_CHANNEL = f"sweep-cost-{name}"
            apps[label] = create_app(config)
        first = next(iter(apps.values()))
        with first.app_context():
            db.create_all()
            seed(args.servers)
            apply_windows()  # enter the 10 windows in force once
        spent: dict[str, list[float]] = {label: [] for label in apps}
        for _block in range(max(1, args.sweeps // 10)):
            for label, app in apps.items():
                spent[label] += sweeps(app, 10)
        for label, values in spent.items():
            print(
                f"{label}: {len(values)} sweeps, CPU per sweep median "
                f"{statistics.median(values) * 1000:.1f} ms, mean "
                f"{statistics.fmean(values) * 1000:.1f} ms"
            )
        if args.profile:
            for label, app in apps.items():
                profile(app, label)
        for app in apps.values():
            with app.app_context():
                db.engine.dispose()
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
