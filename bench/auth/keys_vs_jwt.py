"""Cost of authenticating a request by API key against a JWT, on the same route (µs per request).

Builds the app in this process on a fresh database (SQLite file by default, or --database-url),
makes one user with an access token and an API key, then serves `GET /api/auth/me/` through the
WSGI test client with each credential in alternating rounds, and `GET /api/` (public, no
credential) as the floor. It also times `security.authenticate()` alone inside a request context.
CPU time (process_time) is the figure to compare on a shared machine; wall time is printed too.

    flock /tmp/pulseguard-bench.lock .venv/bin/python bench/auth/keys_vs_jwt.py --requests 2000
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from config import TestingConfig  # noqa: E402
from pulseguard import create_app  # noqa: E402
from pulseguard.extensions import db  # noqa: E402
from pulseguard.models import ApiKey  # noqa: E402
from pulseguard.models.user import create_user  # noqa: E402
from pulseguard.security import authenticate, issue_tokens  # noqa: E402


def build(database_url):
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = create_user("bench", "a long bench password", admin=True)
        db.session.commit()
        jwt = issue_tokens(user, refresh=False)["access"]
        _, key = ApiKey.issue(user.id, "bench", ["read"])
        db.session.commit()
    return app, {"jwt": {"Authorization": f"Bearer {jwt}"}, "key": {"X-API-Key": key}}


def per_request_us(client, url, headers, n):
    """Return (wall µs, CPU µs) per request over n requests."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
    return (time.perf_counter() - wall) / n * 1e6, (time.process_time() - cpu) / n * 1e6


def authenticate_us(app, headers, n):
    """Return CPU µs per call of security.authenticate() alone."""
    cpu = time.process_time()
    for _ in range(n):
        with app.test_request_context("/api/auth/me/", headers=headers):
            authenticate()
            db.session.remove()
    return (time.process_time() - cpu) / n * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per credential per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{os.path.join(folder, 'bench.db')}"
    app, credentials = build(url)
    client = app.test_client()
    n = args.requests
    for headers in credentials.values():  # warm up (and write the key's last use once)
        per_request_us(client, "/api/auth/me/", headers, 50)
    rows = {name: [] for name in ("public /api/ (no credential)", "jwt", "key")}
    auth_only = {"jwt": [], "key": []}
    for _ in range(args.rounds):
        rows["public /api/ (no credential)"].append(per_request_us(client, "/api/", {}, n))
        for name, headers in credentials.items():
            rows[name].append(per_request_us(client, "/api/auth/me/", headers, n))
            with app.app_context():
                auth_only[name].append(authenticate_us(app, headers, n))
    print(
        f"database: {url.split(':', 1)[0]}; {args.rounds} rounds x {n} requests each; "
        f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}"
    )
    print(f"{'GET /api/auth/me/ with':32} {'CPU µs/req (median)':>20} {'wall µs/req':>12}")
    for name, samples in rows.items():
        cpu = statistics.median(s[1] for s in samples)
        wall = statistics.median(s[0] for s in samples)
        print(f"{name:32} {cpu:20.0f} {wall:12.0f}")
    for name, samples in auth_only.items():
        print(f"security.authenticate() alone, {name}: {statistics.median(samples):.0f} CPU µs")
    key, jwt = (statistics.median(s[1] for s in rows[k]) for k in ("key", "jwt"))
    print(f"key / jwt per request: {key / jwt:.2f}")
    print("command: " + " ".join([Path(sys.executable).name, *sys.argv]))


if __name__ == "__main__":
    main()
