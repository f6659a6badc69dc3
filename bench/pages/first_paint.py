"""First paint of the big status page in headless Chromium: 500 servers in 20 groups with 90
days of bars (page_times.py's seed), served by gunicorn on a SQLite file, no checks running.

    .venv/bin/python bench/pages/first_paint.py --runs 5

Each run opens a fresh browser context (nothing cached) on /status/big and reads the page's
own performance timing: first-contentful-paint, the navigation's responseStart/responseEnd
(server time and transfer) and domContentLoaded. Prints medians, the HTML size and the load.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "bench" / "dashboard"), str(ROOT / "bench" / "pages")]

from load_time import ARGS, CHROMIUM, Served  # noqa: E402

TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {fcp: fcp ? fcp.startTime : null, response_start: nav.responseStart,
          response_end: nav.responseEnd, dcl: nav.domContentLoadedEventEnd,
          bytes: nav.transferSize};
}"""


def main():
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pulseguard-first-paint-"))
    db_path = workdir / "pulseguard.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "FLASK_APP": "manage:app"}
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)

    from page_times import seed

    from config import TestingConfig
    from pulseguard import create_app

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path}"
    config.REDIS_URL = None
    seed(create_app(config), 500, 20)
    served = Served(workdir, db_path, scheduler=False)
    runs = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1100, "height": 900})
                page = context.new_page()
                page.goto(f"{served.url}/status/big", wait_until="load", timeout=60000)
                runs.append(page.evaluate(TIMING_JS))
                context.close()
            browser.close()
    finally:
        served.stop()
    figures = {
        key: round(statistics.median(r[key] for r in runs), 1)
        for key in ("fcp", "response_start", "response_end", "dcl")
    }
    figures["html_bytes"] = runs[-1]["bytes"]
    figures["runs"] = [round(r["fcp"], 1) for r in runs]
    figures["load_average"] = os.getloadavg()
    print(json.dumps(figures, indent=1))
    print("command:", " ".join([".venv/bin/python", *sys.argv]))


if __name__ == "__main__":
    main()
