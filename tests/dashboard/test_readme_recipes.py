"""The README's recipes work as written: the CI job that applies monitors.yaml with a write key,
and the crontab lines that ping push servers by key. They run with bash and curl against the
real app under gunicorn (only the host name is replaced)."""

import re
import subprocess
from pathlib import Path

import pytest
import requests
from ruamel.yaml import YAML

from tests.dashboard.conftest import create_admin

pytestmark = pytest.mark.once
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
EXAMPLE = "https://pulse.example.com"
MONITORS = """\
version: 1
servers:
  - key: api-prod
    name: "API (prod)"
    protocol: tcp
    host: 127.0.0.1
    port: 9
  - key: nightly-backup
    name: Nightly backup
    protocol: push
    push: {cron: "30 2 * * *", timezone: Europe/Berlin}
"""


def block_with(marker: str) -> str:
    """Return the README code block that contains the marker."""
    for block in re.findall(r"```\w*\n(.*?)```", README, re.DOTALL):
        if marker in block:
            return block
    raise AssertionError(f"no README block with {marker!r}")


def make_key(app, headers, scopes):
    body = {"name": "-".join(scopes), "scopes": scopes}
    response = requests.post(f"{app.url}/api/auth/api-keys/", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["key"]


def servers(app, headers):
    return {s["key"]: s for s in requests.get(f"{app.url}/api/servers/", headers=headers).json()}


def run_job(app, key, tmp_path, event, monitors=MONITORS):
    workflow = YAML(typ="safe").load(block_with(".github/workflows/apply-monitors.yml"))
    step = workflow["jobs"]["apply"]["steps"][-1]
    (tmp_path / "monitors.yaml").write_text(monitors)
    env = {"PATH": "/usr/bin:/bin", "GITHUB_EVENT_NAME": event}
    env |= {"PULSEGUARD_URL": app.url, "PULSEGUARD_KEY": key}
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_the_ci_job_plans_on_pull_requests_and_applies_on_main(live_app, tmp_path):
    headers = {"Authorization": f"Bearer {create_admin(live_app)['access']}"}
    key = make_key(live_app, headers, ["write"])
    planned = run_job(live_app, key, tmp_path, "pull_request")
    assert planned.returncode == 0, planned.stderr
    assert "create\tapi-prod" in planned.stdout and servers(live_app, headers) == {}
    applied = run_job(live_app, key, tmp_path, "push")
    assert applied.returncode == 0, applied.stderr
    assert set(servers(live_app, headers)) == {"api-prod", "nightly-backup"}
    again = run_job(live_app, key, tmp_path, "push")
    assert '"unchanged":2' in again.stdout
    broken = run_job(live_app, key, tmp_path, "push", MONITORS.replace("port: 9", "port: 0"))
    assert broken.returncode != 0 and "servers[0].port" in broken.stdout
    read_only = run_job(live_app, make_key(live_app, headers, ["read"]), tmp_path, "push")
    assert read_only.returncode != 0 and "lacks the 'write' scope" in read_only.stdout


def test_the_crontab_lines_ping_push_servers_by_key(live_app, tmp_path):
    headers = {"Authorization": f"Bearer {create_admin(live_app)['access']}"}
    assert (
        run_job(live_app, make_key(live_app, headers, ["write"]), tmp_path, "push").returncode == 0
    )
    push_key = make_key(live_app, headers, ["push"])
    lines = [line for line in block_with("PUSH_KEY=").splitlines() if "curl" in line]
    assert len(lines) == 2
    for line in lines:
        command = line.split(None, 5)[5].replace("/usr/local/bin/backup.sh", "true")
        command = command.replace(EXAMPLE, live_app.url)
        done = subprocess.run(["sh", "-c", command], env={"PATH": "/usr/bin:/bin",
                              "PUSH_KEY": push_key}, capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, (command, done.stderr)
    found = servers(live_app, headers)
    assert found["nightly-backup"]["push"]["last_ping_at"] is not None
    assert found["hourly-sync"]["protocol"] == "push"
    assert found["hourly-sync"]["push"]["last_ping_at"] is not None
