"""Cached public JSON under load while the checks run: bench/checks/run.py's Procfile set plus
one published page of 500 servers (20 groups), hammered by bench/pages/loader.py.

    .venv/bin/python bench/pages/cached_load.py --servers 10000 --interval 30 --workers 2 \\
        --web-concurrency 2 --duration 60 --warmup 30 --connections 64

Everything of bench/checks/run.py (a local target, gunicorn + RQ workers + scheduler on a fresh
PostgreSQL database and Redis, the same figures) and, over the same measured window: the page's
requests/s and latency as the loader saw them, the loader's own CPU (apart: it is not
PulseGuard), and PulseGuard's CPU split into web processes (serving the page) and the rest
(checking), so that CPU per check is still read for the checks alone. The public rate limit is
raised (RATE_LIMIT_PUBLIC) so that the limiter runs but does not refuse the loader.
"""

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.checks.run import Bench, descendants, proc_table  # noqa: E402
from pulseguard.models import Server, StatusPage, User  # noqa: E402

PAGE = "/api/public/status-pages/big/"


class PageBench(Bench):
    loader = None
    load_figures: dict = {}

    def env(self, **extra):
        return super().env(RATE_LIMIT_PUBLIC="100000000 per minute", **extra)

    def seed(self, port):
        super().seed(port)
        engine = create_engine(self.db_url)
        with engine.begin() as conn:
            owner = conn.execute(select(User.__table__.c.id)).scalar_one()
            ids = conn.execute(select(Server.__table__.c.id).order_by("id").limit(500)).scalars()
            ids = list(ids)
            groups = [
                {
                    "name": f"Group {g + 1}",
                    "servers": [{"server": s} for s in ids[g * 25 : (g + 1) * 25]],
                }
                for g in range(20)
            ]
            conn.execute(
                insert(StatusPage.__table__),
                [{"owner_id": owner, "slug": "big", "title": "Big", "published": True,
                  "groups": groups, "timezone": "Europe/Berlin", "description": "",
                  "footer_text": "", "theme": "auto", "bar_days": 90, "refresh_seconds": 60,
                  "show_uptime": True, "show_bars": True, "show_incidents": True,
                  "show_maintenance": True, "show_response_time": False,
                  "show_cert_expiry": False, "show_hostnames": False}],
            )  # fmt: skip
        engine.dispose()

    def snapshot(self):
        snap = super().snapshot()
        table = proc_table()
        web = descendants([p.pid for n, p in self.procs if n == "web"], table)
        snap["cpu_web"] = sum(table[pid][1] for pid in web)
        if self.loader is None:
            self.loader = subprocess.Popen(
                [sys.executable, str(ROOT / "bench/pages/loader.py"), "127.0.0.1",
                 str(self.web_port), PAGE, "--connections", str(self.args.connections),
                 "--duration", str(self.args.duration - 2)],
                stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
        else:
            out, _err = self.loader.communicate(timeout=120)
            self.load_figures = json.loads(out.strip().splitlines()[-1])
        return snap

    def report(self, first, last, rss_samples):
        figures = super().report(first, last, rss_samples)
        checks = max(1, last["checks"] - first["checks"])
        web_cpu = last["cpu_web"] - first["cpu_web"]
        other_cpu = (last["cpu"] - first["cpu"]) - web_cpu
        load = self.load_figures
        figures["page"] = load
        figures["cpu_ms_per_check_without_web"] = round(other_cpu * 1000 / checks, 3)
        figures["web_cpu_ms_per_page_request"] = round(web_cpu * 1000 / max(1, load["requests"]), 3)
        return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=10000)
    parser.add_argument("--interval", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--web-concurrency", type=int, default=2)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=30)
    parser.add_argument("--start-delay", type=float, default=8)
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    args.mode, args.assertions_share = "postgres", 0.0
    figures = PageBench(args).run()
    print(json.dumps(figures, indent=1))
    print("reproduce: " + shlex.join([".venv/bin/python", *sys.argv]))


if __name__ == "__main__":
    main()
