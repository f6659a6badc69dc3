"""A local notification receiver for bench/notify/outage.py, in its own process: answers every
POST (webhook, Apprise json://, ntfy://) with 200 after LATENCY ms, keeps connections alive,
backlog 4096; a request whose path (or ntfy topic) starts with "hang" is read and never answered
(until SIGTERM).

    python bench/notify/receiver.py PORT_FILE COUNTS_FILE [--latency-ms 50]

Writes its port to PORT_FILE once listening; on SIGTERM writes a JSON object to COUNTS_FILE:
connections accepted, requests answered, requests left hanging, and the arrival times of the
answered ones (one per second: how many arrived in each).
"""

# ruff: noqa: E402 - gevent patches the standard library before anything imports socket.
from gevent import monkey

monkey.patch_all()

import argparse
import json
import signal
import sys
import time
from collections import Counter

import gevent
from gevent.event import Event
from gevent.server import StreamServer

COUNTS = {"connections": 0, "answered": 0, "hanging": 0}
PER_SECOND: Counter = Counter()
HOLD = Event()
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


def read_request(sock, buffer: bytes) -> tuple[bytes, bytes, bytes] | None:
    """Read one request; return (head, Content-Length body, what follows) or None at EOF."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head, rest[:length], rest[length:]


def handle(sock, _address, delay: float) -> None:
    COUNTS["connections"] += 1
    buffer = b""
    try:
        while True:
            request = read_request(sock, buffer)
            if request is None:
                return
            head, body, buffer = request
            path = head.split(b" ", 2)[1]
            # Apprise's ntfy posts to / with the topic in the JSON body.
            if path.startswith(b"/hang") or b'"topic": "hang' in body:
                COUNTS["hanging"] += 1
                HOLD.wait()
                return
            gevent.sleep(delay)
            sock.sendall(RESPONSE)
            COUNTS["answered"] += 1
            PER_SECOND[int(time.time())] += 1
    except OSError:
        return
    finally:
        sock.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port_file")
    parser.add_argument("counts_file")
    parser.add_argument("--latency-ms", type=float, default=50)
    args = parser.parse_args()
    delay = args.latency_ms / 1000
    server = StreamServer(("127.0.0.1", 0), lambda s, a: handle(s, a, delay), backlog=4096)
    server.start()

    def dump(*_):
        HOLD.set()
        with open(args.counts_file, "w") as out:
            json.dump(COUNTS | {"per_second": sorted(PER_SECOND.items())}, out)
        sys.exit(0)

    gevent.signal_handler(signal.SIGTERM, dump)
    with open(args.port_file, "w") as out:
        out.write(str(server.server_port))
    gevent.wait()


if __name__ == "__main__":
    main()
