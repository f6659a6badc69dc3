"""Summarise a py-spy raw (collapsed stacks) profile: the functions with the most samples.

    python bench/notify/profile.py PROFILE.txt [TOP]

"inclusive": samples with the function anywhere on the stack (once per stack); "own": samples
with it on top. Idle greenlets waiting in the hub show up as gevent's hub `run`/`switch`.
"""

import json
import re
import sys
from collections import Counter

FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def label(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match.group("file")
    for marker in ("site-packages/", "/pulseguard/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match.group('name')} ({path})"


def summary(raw: str, top: int = 25) -> dict:
    """Return total samples and the top functions, inclusive and own, with their shares."""
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [label(f) for f in stack.split(";") if f]
        for name in set(frames):
            inclusive[name] += n
        if frames:
            own[frames[-1]] += n

    def shares(counter):
        return [f"{100 * n / max(1, total):.1f}% {name}" for name, n in counter.most_common(top)]

    return {"samples": total, "inclusive": shares(inclusive), "own": shares(own)}


if __name__ == "__main__":
    with open(sys.argv[1]) as source:
        top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
        print(json.dumps(summary(source.read(), top), indent=1))
