"""Apply of a 5,000-server config document (API-NEXT §7): dry run, apply, second apply, export.

Builds the app in this process on a fresh database (a SQLite file by default, or PostgreSQL with
--database-url), makes one user, and sends a document of N servers (compact YAML: one flow
mapping per server, a fifth of them push servers with a cron; then owner-wide notification
configs, maintenance windows on tags and on server lists, and status pages of 100 servers each)
to `POST /api/config/apply/`
through the WSGI test client, timing each phase (wall and CPU). Targets: dry run <= 10 s,
apply <= 30 s, second apply reports 0 changes in <= 10 s. Then a one-field change (1 update)
and the export of the N servers. `--profile` prints the top functions of each phase (cProfile).

    bench/config/apply_5000.py --servers 5000 --configs 50 --windows 20 --pages 5
    bench/config/apply_5000.py --servers 5000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_config
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from config import TestingConfig  # noqa: E402
from pulseguard import create_app  # noqa: E402
from pulseguard.extensions import db  # noqa: E402
from pulseguard.models.user import create_user  # noqa: E402
from pulseguard.security import issue_tokens  # noqa: E402

TARGETS = {"dry run": 10.0, "apply": 30.0, "second apply": 10.0}


def document(n: int, configs: int = 0, windows: int = 0, pages: int = 0, interval=60) -> str:
    lines = ["version: 1", "servers:"]
    for i in range(n):
        if i % 5 == 4:
            lines.append(
                f'  - {{key: job-{i:05d}, name: "Job {i:05d}", protocol: push, '
                f"push: {{cron: '{i % 60} 2 * * *', timezone: Europe/Berlin, grace: 3600}}}}"
            )
        else:
            protocol = ("https", "http", "tcp", "https")[i % 4]
            port = ", port: 5432" if protocol == "tcp" else ""
            lines.append(
                f'  - {{key: web-{i:05d}, name: "Web {i:05d}", protocol: {protocol}, '
                f"host: web-{i:05d}.example.com{port}, check_interval: {interval}, "
                f"tags: [prod, team-{i % 7}]}}"
            )
    lines += others(n, configs, windows, pages)
    return "\n".join(lines) + "\n"


def others(n: int, configs: int, windows: int, pages: int) -> list[str]:
    """The notification configs, maintenance windows and status pages of the document."""
    web = [f"web-{i:05d}" for i in range(n) if i % 5 != 4]
    lines = ["notification_configs:"] if configs else []
    for i in range(configs):
        lines.append(
            f"  - {{key: hook-{i:03d}, name: Hook {i:03d}, notification_type: webhook, "
            f'recipient: "https://hooks.example.com/{i}", secret: s3cret-{i}, '
            f"tags: [team-{i % 7}]}}"
        )
    lines += ["maintenance_windows:"] if windows else []
    for i in range(windows):
        if i % 2:
            target = f"servers: [{', '.join(web[i * 3 : i * 3 + 3])}]"
        else:
            target = f"tags: [team-{i % 7}]"
        lines.append(
            f"  - {{key: window-{i:03d}, name: Window {i:03d}, {target}, schedule: "
            f'{{type: cron, expression: "0 {i % 24} * * 0", timezone: Europe/Berlin, '
            "duration: 3600}}"
        )
    lines += ["status_pages:"] if pages else []
    for page in range(pages):
        members = web[page * 100 : (page + 1) * 100]
        groups = ", ".join(
            f"{{name: Group {g}, servers: [{', '.join(members[g * 25 : (g + 1) * 25])}]}}"
            for g in range(4)
        )
        lines.append(
            f"  - {{slug: bench-page-{page}, title: Page {page}, published: true, "
            f"groups: [{groups}]}}"
        )
    return lines


def build(database_url):
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = create_user("bench", "a long bench password")
        db.session.commit()
        token = issue_tokens(user, refresh=False)["access"]
    return app, {"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"}


def timed(name, action, profile):
    profiler = cProfile.Profile() if profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = action()
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    target = TARGETS.get(name)
    verdict = (
        "" if target is None else (" ok" if wall <= target else f" MISSED (target {target} s)")
    )
    print(f"{name:<22} wall {wall:7.2f} s   cpu {cpu:7.2f} s{verdict}", flush=True)
    if profiler:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(r"pulseguard/(api|kinds|models|checks)", 25)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--servers", type=int, default=5000)
    parser.add_argument("--configs", type=int, default=50, help="owner-wide webhook configs")
    parser.add_argument("--windows", type=int, default=20, help="maintenance windows")
    parser.add_argument("--pages", type=int, default=5, help="status pages of 100 servers")
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'bench.db')}"
    app, headers = build(url)
    client = app.test_client()
    text = document(args.servers, args.configs, args.windows, args.pages)
    expected = {
        "servers": args.servers,
        "notification_configs": args.configs,
        "maintenance_windows": args.windows,
        "status_pages": args.pages,
    }
    print(
        f"database {url.split('://')[0]}, {args.servers} servers, {args.configs} configs, "
        f"{args.windows} windows, {args.pages} pages, document {len(text)} bytes"
    )
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))

    def post(body, query):
        response = client.post(f"/api/config/apply/{query}", data=body, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        return response.json["summary"]

    def creates(summary):
        return {kind: summary.get(kind, {}).get("create", 0) for kind in expected}

    summary = timed("dry run", lambda: post(text, "?dry_run=true"), args.profile)
    assert creates(summary) == expected, summary
    summary = timed("apply", lambda: post(text, ""), args.profile)
    assert creates(summary) == expected, summary
    summary = timed("second apply", lambda: post(text, ""), args.profile)
    changes = sum(c["create"] + c["update"] + c["delete"] for c in summary.values())
    unchanged = sum(c["unchanged"] for c in summary.values())
    print(f"  second apply: {changes} changes, {unchanged} unchanged")
    assert changes == 0, summary
    one = text.replace(
        "web-00000.example.com, check_interval: 60", "web-00000.example.com, check_interval: 30"
    )
    summary = timed("one-field change", lambda: post(one, ""), args.profile)
    assert sum(c["update"] for c in summary.values()) == 1, summary

    def export():
        response = client.get("/api/config/export/", headers=headers)
        assert response.status_code == 200
        return len(response.data)

    size = timed("export (yaml)", export, args.profile)
    print(f"  export: {size} bytes")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
