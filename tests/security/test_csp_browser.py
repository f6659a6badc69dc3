"""Swagger UI still works in a real browser under the Content-Security-Policy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.ops.stack import free_port, wait_for

pytestmark = pytest.mark.once
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def served(tmp_path):
    """The app under gunicorn on a SQLite file, at a free port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CHANNEL_LAYER_TYPE")}
    env.update(
        ENVIRONMENT="development",
        DATABASE_URL=f"sqlite:///{tmp_path}/pulseguard.db",
        LOG_DIR=str(tmp_path),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [bin_dir / "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    process = subprocess.Popen(
        [bin_dir / "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: requests.get(url + "/healthz", timeout=1).ok, 20, what="gunicorn")
        yield url
    finally:
        process.terminate()
        process.wait(20)


def test_swagger_ui_renders_without_csp_violations(served):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"SKIPPED: needs {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        messages = []
        page.on("console", lambda message: messages.append(message.text))
        page.goto(served + "/api/docs")
        page.wait_for_selector(".opblock", timeout=15000)  # operations rendered from the document
        operations = page.locator(".opblock").count()
        browser.close()
    assert operations > 20
    violations = [m for m in messages if "Content Security Policy" in m]
    assert not violations, violations
