"""Summarise a py-spy profile of the web worker (bench_live.py --profile FILE): where the CPU goes.

    .venv/bin/python bench/live/profile_summary.py FILE [--per-delivery-us 25]

Samples are py-spy's collapsed stacks (--format raw --native). Each busy sample is put in one
"where" (which greenlet) and one "what" (what it was doing); idle samples (epoll_wait, the
threadpool's idle thread) are left out. With --per-delivery-us (the worker's CPU per delivery,
from the benchmark's CPU line) the shares are also shown as microseconds per delivery.
"""

import argparse
import re
from collections import Counter

IDLE = ("epoll_wait", "_WorkerGreenlet.run")

# First match wins; each pattern is searched in the whole stack.
WHERE = [
    ("REST request (GET /api/server-status/)", r"pulseguard/api/"),
    ("hub fan-out (subscriber greenlet)", r"Hub\.dispatch|Hub\.run_redis"),
    # gunicorn writes what an SSE stream yields outside its generator's frames.
    ("SSE stream greenlets", r"pulseguard/live/sse\.py|Response\.write \(gunicorn"),
    ("WebSocket stream greenlets", r"pulseguard/live/ws\.py\)?;?.*serve|serve \(pulseguard"),
    ("WebSocket reader greenlets (simple-websocket)", r"simple_websocket"),
    ("gevent event loop (callbacks, timers)", r"ev_run|Hub\.run \(gevent"),
]
WHAT = [
    ("garbage collector", r"gc_collect_main"),
    ("socket send() system call", r"sock_send|send \(libc|__libc_send"),
    ("getsockopt() in gevent sendall", r"getsockopt"),
    ("wsproto framing", r"wsproto/"),
    ("gunicorn/werkzeug response iteration", r"gunicorn/http/wsgi|werkzeug/wsgi|_iter_encoded"),
    ("gevent Timeout objects", r"gevent/timeout\.py"),
    (
        "queue put/get, wakeups, greenlet switches",
        r"cqueue|Waiter|AbstractLinkable|g_switch \(|switch \(gevent",
    ),
    ("encoding (JSON, SSE text, frames)", r"json|dumps|events\.py"),
    ("Redis pub/sub read", r"redis/"),
    ("SQL queries", r"sqlalchemy|sqlite|psycopg"),
]


def classify(stack, rules, default):
    for name, pattern in rules:
        if re.search(pattern, stack):
            return name
    return default


def classify_leaf(frames, rules, default):
    """Return the rule of the innermost frame that matches one, or the innermost Python file."""
    for frame in reversed(frames):
        for name, pattern in rules:
            if re.search(pattern, frame):
                return name
        python = re.search(r"\(([\w/.-]+\.py)", frame)
        if python:
            return f"Python code in {python.group(1)}"
    return default


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile")
    parser.add_argument("--per-delivery-us", type=float, default=None)
    args = parser.parse_args()
    where, what, busy = Counter(), Counter(), 0
    for line in open(args.profile):
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or any(marker in stack for marker in IDLE):
            continue
        count = int(count)
        busy += count
        where[classify(stack, WHERE, "other")] += count
        # What: judged on the innermost part of the stack (what was running at the sample).
        what[classify_leaf(stack.split(";"), WHAT, "other native code")] += count
    for title, counter in (("where", where), ("what", what)):
        print(f"{title} ({busy} busy samples)")
        for name, count in counter.most_common():
            share = count / busy
            extra = f"  {share * args.per_delivery_us:5.1f} us" if args.per_delivery_us else ""
            print(f"  {100 * share:5.1f}%{extra}  {name}")


if __name__ == "__main__":
    main()
