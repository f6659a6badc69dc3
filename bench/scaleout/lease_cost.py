"""What a worker's lease costs per second: its renewals (heartbeat) and its look for lapsed leases.

    .venv/bin/python bench/scaleout/lease_cost.py --workers 2 --lease 0.5 --seconds 10

Runs --workers leases against a Redis (BENCH_REDIS_URL, flushed first: use a db of your own), each
renewing every fifth of the lease from its thread and looking for lapsed leases as often, as a
worker does, for --seconds; prints the client CPU per second of one worker (this process's CPU
over the workers) and Redis' CPU per second (INFO's used_cpu_sys + used_cpu_user), each in ms.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

from redis import Redis

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from pulseguard.jobs.leases import Leases  # noqa: E402


def redis_cpu(client: Redis) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lease", type=float, default=0.5)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    admin = Redis.from_url(url)
    admin.flushdb()
    every = args.lease / 5
    leases = [
        Leases(Redis.from_url(url), args.lease, heartbeat_connection=Redis.from_url(url))
        for _ in range(args.workers)
    ]
    for lease in leases:
        lease.hold([(1, time.time())])
    stop = time.monotonic() + args.seconds
    calls = [0]

    def beat(lease: Leases, work) -> None:
        while time.monotonic() < stop:
            work(lease)
            calls[0] += 1
            time.sleep(every)

    cpu0, redis0 = time.process_time(), redis_cpu(admin)
    threads = [
        threading.Thread(target=beat, args=(lease, work))
        for lease in leases
        for work in (Leases.renew, Leases.lapsed)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu, rcpu = time.process_time() - cpu0, redis_cpu(admin) - redis0
    per_worker_s, rate = cpu / args.workers / args.seconds, 1 / every
    print(
        f"{args.workers} workers, lease {args.lease} s ({rate:.0f} renewals and {rate:.0f}"
        f" looks a second each), {calls[0]} calls in {args.seconds:.0f} s:"
        f" client CPU {per_worker_s * 1000:.2f} ms/s per worker,"
        f" {cpu / calls[0] * 1e6:.0f} us per call; Redis CPU {rcpu / args.seconds * 1000:.2f} ms/s"
    )
    admin.flushdb()


if __name__ == "__main__":
    main()
