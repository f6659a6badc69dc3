"""Each process loads only what it runs: its memory is mostly the libraries it imports.

Measured in bench/README.md: a check worker, the scheduler and gunicorn's master are each a few
MiB smaller for every library listed here that they do not load.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
from gevent import monkey; monkey.patch_all()
import sys
from pulseguard import create_worker_app
from pulseguard.jobs import checks, dispatch, upkeep, worker
from pulseguard.notify import delivery
app = create_worker_app()
print(" ".join(sorted(sys.modules)))
"""
SCHEDULER = "import sys, pulseguard.jobs.scheduler; print(' '.join(sorted(sys.modules)))"
GUNICORN_MASTER = """
import sys
from gunicorn.app.wsgiapp import WSGIApplication
sys.argv = ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
app = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]")  # reads the config as the master does
assert app.cfg.worker_class_str == "gevent"
print(" ".join(sorted(sys.modules)))
"""


def loaded(code: str, **env: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after running code in the repository."""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/x", **env},
    )  # fmt: skip
    return {name.split(".")[0] for name in out.stdout.split()}


def test_a_check_worker_loads_no_web_library_nor_what_it_rarely_needs():
    modules = loaded(WORKER, REDIS_URL="redis://127.0.0.1:6379/0")
    # marshmallow (0.8 MiB in a worker) comes with the registry of kinds: each kind's settings
    # schema sits beside its probe (pulseguard/kinds), so that a kind is one module.
    assert {"flask", "sqlalchemy", "psycopg", "rq", "gevent", "urllib3", "marshmallow"} <= modules
    web_only = {"flask_smorest", "apispec", "flask_jwt_extended", "jwt", "alembic"}
    web_only |= {"flask_migrate", "flask_sock", "flask_limiter", "flask_cors", "prometheus_client"}
    rarely = {"argon2", "rq_scheduler", "sqlite3", "requests"}
    assert modules.isdisjoint(web_only | rarely), modules & (web_only | rarely)


def test_the_scheduler_loads_neither_flask_nor_the_database():
    modules = loaded(SCHEDULER)
    assert {"redis", "rq_scheduler"} <= modules
    assert modules.isdisjoint({"flask", "sqlalchemy", "psycopg", "gevent"})


def test_gunicorns_master_does_not_load_the_app():
    # The app must be imported after gevent patches, in each worker (no --preload).
    modules = loaded(GUNICORN_MASTER)
    assert "gunicorn" in modules
    assert modules.isdisjoint({"flask", "pulseguard", "sqlalchemy", "redis"})
