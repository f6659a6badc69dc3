"""Where a check worker's time goes, from py-spy's collapsed stacks (--format raw --native).

    .venv/bin/python bench/scaleout/profile.py FILE

Idle samples (epoll_wait) are left out. Each busy sample is put in the first bucket whose pattern
its stack matches (buckets ordered from the most specific), so the shares add up to 100 %.
"""

import re
import sys
from collections import Counter

IDLE = ("epoll_wait",)
BUCKETS = [
    ("recording: PostgreSQL driver (psycopg, libpq)", r"record_results.*(psycopg|libpq)"),
    ("recording: SQLAlchemy and the batch's Python", r"record_results|ResultWriter"),
    ("publishing live events (Redis)", r"bus\.py|publish"),
    ("metrics (prometheus, Redis)", r"pulseguard/metrics"),
    ("HTTP probe: TLS/SSL", r"ssl|SSL"),
    ("HTTP probe: requests/urllib3", r"requests/|urllib3/|http/client|pulseguard/checks"),
    ("claiming and loading targets (dispatch job, SQL)", r"dispatch|load_targets|targets\.py"),
    ("leases (Redis)", r"leases\.py|takeover\.py"),
    ("RQ worker loop and Redis", r"rq/|redis/"),
    ("garbage collector", r"gc_collect"),
    ("gevent hub (timers, callbacks, switching)", r"gevent|greenlet|ev_run"),
]


def summary(text: str) -> list[str]:
    counts: Counter = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit() or any(idle in stack for idle in IDLE):
            continue
        total += int(n)
        for name, pattern in BUCKETS:
            if re.search(pattern, stack):
                counts[name] += int(n)
                break
        else:
            counts["other"] += int(n)
    if not total:
        return ["no busy samples"]
    return [f"{100 * c / total:5.1f} %  {name}" for name, c in counts.most_common()] + [
        f"({total} busy samples)"
    ]


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        print("\n".join(summary(f.read())))
