"""Summarise a py-spy profile of a web worker taking pings (run.py ingest --profile FILE).

    .venv/bin/python bench/push/profile_summary.py FILE

Each busy sample (idle epoll waits left out) goes into the first category whose pattern its
stack matches; then the PulseGuard functions seen in most samples (inclusive).
"""

import argparse
import re
from collections import Counter

IDLE = ("epoll_wait", "_WorkerGreenlet.run", "Hub.run (gevent")
CATEGORIES = [  # first match wins: the specific before the generic
    ("batch: token lookup (_server_id, before 19)", r"_server_id"),
    ("batch: find and lock monitors", r"_locked|with_for_update"),
    ("batch: record_results", r"record_results"),
    ("batch: PUSH_RATE_LIMIT", r"retry_afters"),
    ("batch: the rest", r"receive_many|PingBatcher"),
    ("request: metrics (count_request)", r"count_request|observe_request"),
    ("request: flask-limiter", r"Limiter\._check_request_limit|Limiter\.__inject"),
    ("request: the view (ping, answer)", r"\(pulseguard/api/push/"),
    ("request: query arguments (webargs)", r"webargs/core"),
    ("request: other hooks", r"add_security_headers|check_request|normalize_bearer"),
    ("request: Flask (routing, contexts, response)", r"flask/|werkzeug/"),
    ("request: gunicorn (parsing, writing)", r"gunicorn/"),
    ("gevent hub, greenlet switches", r"Hub\.run|greenlet|gevent"),
    ("gc", r"gc_collect"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    args = parser.parse_args()
    cats, funcs, busy = Counter(), Counter(), 0
    for line in open(args.file):
        stack, _, count = line.rstrip().rpartition(" ")
        n = int(count)
        if any(mark in stack.rsplit(";", 1)[-1] for mark in IDLE):
            continue
        busy += n
        cats[next((name for name, pat in CATEGORIES if re.search(pat, stack)), "other")] += n
        for name in {m for m in re.findall(r"(\w+) \(pulseguard/[\w/]+\.py", stack)}:
            funcs[name] += n
    print(f"busy samples: {busy}")
    for name, n in cats.most_common():
        print(f"{100 * n / busy:5.1f} %  {name}")
    print("PulseGuard functions (inclusive):")
    for name, n in funcs.most_common(25):
        print(f"{100 * n / busy:5.1f} %  {name}")


if __name__ == "__main__":
    main()
