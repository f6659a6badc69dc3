"""Time the dashboard's first load with many servers in headless Chromium, and its live updates.

    flock /tmp/pulseguard-bench.lock .venv/bin/python bench/dashboard/load_time.py --servers 10000

Seeds a SQLite file with N servers (statuses, tags and an hour of uptime rollups each), serves
PulseGuard with gunicorn (gevent, embedded mode), and opens the overview in /usr/bin/chromium:
  1. with the embedded scheduler off: navigation start -> the first page of rows on screen;
  2. with it on, every server checked against a local target each --interval seconds: the same
     load time under that load, then --live-seconds of live updates, counting the status events
     the page applied and the main-thread long tasks (> 50 ms) they caused.
"""

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
SECRET = secrets.token_hex(16)  # one for both servers, so that tokens outlive the restart
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "correct horse battery"
TAGS = ["prod", "staging", "eu", "us", "db", "web", "edge", "internal"]


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(db_url, count, target_port, interval):
    """Insert the admin and `count` servers with varied statuses, straight into the database."""
    from sqlalchemy import insert

    from config import TestingConfig
    from pulseguard import create_app
    from pulseguard.extensions import db
    from pulseguard.models import Server, ServerStatus, UptimeRollup, User
    from pulseguard.models.types import utcnow

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = db_url
    app = create_app(config)
    rng = random.Random(42)
    with app.app_context():
        admin = User(username="admin", is_admin=True)
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        now = utcnow()
        hour = now.replace(minute=0, second=0, microsecond=0)
        servers, statuses, rollups = [], [], []
        for i in range(1, count + 1):
            servers.append(
                {
                    "id": i,
                    "owner_id": admin.id,
                    "name": f"server-{i:05d}",
                    "protocol": "http",
                    "host": "127.0.0.1",
                    "port": target_port,
                    "path": "/",
                    "check_interval_s": interval,
                    "timeout_s": 5.0,
                    "monitoring_state": "paused" if i % 50 == 0 else "active",
                    "tags": rng.sample(TAGS, 2),
                    "method": "GET",
                    "expected_status": "200-399",
                    "headers": {},
                    "next_check_at": now + timedelta(seconds=rng.uniform(0, interval)),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            health = rng.choices(["up", "down", "degraded", "unknown"], [90, 4, 4, 2])[0]
            statuses.append(
                {
                    "server_id": i,
                    "health": health,
                    "last_check_at": now if health != "unknown" else None,
                    "last_response_time_ms": rng.uniform(5, 400) if health != "unknown" else None,
                    "consecutive_failures": 1 if health == "down" else 0,
                    "message": {"down": "HTTP 503", "degraded": "Slow"}.get(health, "OK"),
                    "updated_at": now,
                }
            )
            rollups.append(
                {
                    "server_id": i,
                    "hour_start": hour,
                    "total": 60,
                    "successes": 60 - rng.randint(0, 3),
                    "response_time_sum_ms": 60 * 50.0,
                    "response_count": 60,
                }
            )
        for model, rows in ((Server, servers), (ServerStatus, statuses), (UptimeRollup, rollups)):
            for start in range(0, len(rows), 2000):
                db.session.execute(insert(model), rows[start : start + 2000])
        db.session.commit()
        db.engine.dispose()


class Served:
    """gunicorn serving the seeded database."""

    def __init__(self, workdir, db_path, scheduler):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CHANNEL_LAYER_TYPE")}
        env.update(
            ENVIRONMENT="development",
            DATABASE_URL=f"sqlite:///{db_path}",
            SECRET_KEY=SECRET,
            LOG_DIR=str(workdir),
            LOG_LEVEL="WARNING",
            HOST="127.0.0.1",
            PORT=str(self.port),
            WEB_CONCURRENCY="1",
            RATE_LIMIT_ENABLED="false",
            EMBEDDED_SCHEDULER="1" if scheduler else "0",
        )
        bindir = Path(sys.executable).parent
        self.process = subprocess.Popen(
            [str(bindir / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=(workdir / "gunicorn.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


READY_JS = r"""() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const ready = performance.getEntriesByName('overview-ready')[0];
  const api = performance.getEntriesByType('resource')
    .filter(r => /\/api\/(overview|server-status\/summary)\//.test(r.name))
    .map(r => [r.name.includes('summary') ? 'summary' : 'overview', r.duration]);
  return {ready: ready.startTime, dcl: nav.domContentLoadedEventEnd, api,
          rows: document.querySelectorAll('#servers tbody tr').length,
          total: document.querySelector('[data-count=total]').textContent};
}"""


def first_loads(browser, served, tokens, runs):
    """Open the overview `runs` times, each in a new browser context (an empty cache)."""
    results = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(
            f"localStorage.setItem('pulseguard.tokens', {json.dumps(json.dumps(tokens))})"
        )
        page = context.new_page()
        page.on("pageerror", lambda e: print("page error:", e))
        page.goto(f"{served.url}/")
        page.wait_for_selector("body[data-ready=true]", timeout=30000)
        results.append(page.evaluate(READY_JS))
        context.close()
    return results


LONGTASKS_JS = """() => {
  window.longTasks = [];
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) window.longTasks.push(e.duration);
  }).observe({type: 'longtask', buffered: false});
}"""


def live_updates(browser, served, tokens, seconds):
    """Keep the overview open while checks stream in; count applied events and long tasks."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(
        f"localStorage.setItem('pulseguard.tokens', {json.dumps(json.dumps(tokens))})"
    )
    page = context.new_page()
    page.goto(f"{served.url}/")
    page.wait_for_selector("body[data-ready=true]", timeout=30000)
    page.wait_for_selector("#live-state[data-state=live]", timeout=30000)
    page.evaluate(LONGTASKS_JS)
    start = page.evaluate("window.pulseguardLive ? window.pulseguardLive.events : 0")
    # A frame-rate probe: how many animation frames the page managed meanwhile.
    page.evaluate(
        "window.frames_ = 0; (function f(){ window.frames_++; requestAnimationFrame(f); })()"
    )
    time.sleep(seconds)
    stats = page.evaluate(
        "({events: window.pulseguardLive.events, frames: window.frames_, long: window.longTasks})"
    )
    context.close()
    return {
        "events": stats["events"] - start,
        "fps": stats["frames"] / seconds,
        "long_tasks": len(stats["long"]),
        "longest_ms": max(stats["long"], default=0),
    }


def report(label, loads):
    ready = [r["ready"] for r in loads]
    api = {}
    for r in loads:
        for name, duration in r["api"]:
            api.setdefault(name, []).append(duration)
    print(
        f"{label}: first load with an empty cache "
        f"(navigation -> rows and counts on screen), {len(loads)} runs"
    )
    print(
        f"  median {statistics.median(ready):.0f} ms, min {min(ready):.0f} ms, "
        f"max {max(ready):.0f} ms; rows shown {loads[0]['rows']}, total {loads[0]['total']}"
    )
    for name, durations in api.items():
        print(f"  GET {name}: median {statistics.median(durations):.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--interval", type=int, default=60, help="check interval of every server")
    parser.add_argument("--live-seconds", type=int, default=30)
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="pulseguard-bench-dashboard-"))
    db_path = workdir / "pulseguard.db"
    target = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/dashboard/target_server.py"), str(workdir / "state")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    target_port = int(target.stdout.readline())
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db_path}", FLASK_APP="manage:app")
    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.monotonic()
    seed(f"sqlite:///{db_path}", args.servers, target_port, args.interval)
    print(f"seeded {args.servers} servers in {time.monotonic() - started:.1f} s ({workdir})")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            served = Served(workdir, db_path, scheduler=False)
            try:
                tokens = requests.post(
                    f"{served.url}/api/auth/token/",
                    json={"username": "admin", "password": PASSWORD},
                    timeout=10,
                ).json()
                first_loads(browser, served, tokens, 1)  # warm the caches once
                report("idle server", first_loads(browser, served, tokens, args.runs))
            finally:
                served.stop()
            served = Served(workdir, db_path, scheduler=True)
            try:
                time.sleep(5)  # let the dispatcher reach its pace
                report(
                    f"checking {args.servers} servers every {args.interval} s",
                    first_loads(browser, served, tokens, args.runs),
                )
                openapi = requests.get(f"{served.url}/api/openapi.json", timeout=10).json()
                if "/api/events/status/" in openapi["paths"]:
                    live = live_updates(browser, served, tokens, args.live_seconds)
                    rate = live["events"] / args.live_seconds
                    print(
                        f"live for {args.live_seconds} s: {live['events']} status events applied "
                        f"({rate:.0f}/s), {live['fps']:.0f} frames/s, "
                        f"{live['long_tasks']} long tasks (longest {live['longest_ms']:.0f} ms)"
                    )
                else:
                    print("live updates: /api/events/status/ is not served by this build; skipped")
            finally:
                served.stop()
            browser.close()
    finally:
        target.terminate()
    print(
        "reproduce: flock /tmp/pulseguard-bench.lock .venv/bin/python bench/dashboard/load_time.py"
        f" --servers {args.servers} --runs {args.runs} --interval {args.interval}"
        f" --live-seconds {args.live_seconds}"
    )


if __name__ == "__main__":
    main()
