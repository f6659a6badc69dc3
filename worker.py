"""RQ worker entry point (the Procfile's worker process): `python worker.py [queue ...]`.

One process runs jobs without forking (a gevent-patched SimpleWorker): check batch jobs hand their
probes to this process's engine, which starts each at its planned time on a gevent pool and records
results in batches. Run several of these processes to scale out (see the README).
"""

from gevent import monkey

monkey.patch_all()

import gc
import sys

from pulseguard import create_worker_app
from pulseguard.jobs.worker import PulseGuardWorker
from pulseguard.redis_client import redis_connection


def main(argv: list[str]) -> int:
    """Run the worker until it is stopped (SIGTERM/SIGINT); return the exit code."""
    app = create_worker_app()
    gc.freeze()  # the app's import-time objects: never scanned again by the cyclic collector
    # Checks allocate and free objects by the thousand a second (targets, outcomes, results)
    # while ~10^5 live ones stay (the claims held): at Python's default of a young collection
    # every 700 allocations the collector took 7.5 % of a worker at 1,600 checks/s
    # (bench/scaleout/README.md). Every 10,000 it runs 14 x less often; garbage in cycles waits
    # a little longer (PSS per worker: bench/scaleout/README.md, the ceiling).
    gc.set_threshold(10_000, 10, 10)
    url = app.config.get("REDIS_URL")
    if not url:
        print(
            "worker.py needs REDIS_URL; without it `make run` checks in-process.", file=sys.stderr
        )
        return 2
    queues = argv or [q.strip() for q in app.config["WORKER_QUEUES"].split(",") if q.strip()]
    worker = PulseGuardWorker(queues, connection=redis_connection(url), app=app)
    try:
        worker.work(logging_level=app.config["LOG_LEVEL"])
    finally:
        worker.drain()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
