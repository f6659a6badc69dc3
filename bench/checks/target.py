"""A local HTTP target for the check benchmark: answers every request after ~50 ms with a small
JSON health document (what the assertions of `run.py --assertions-share` look at), keeps
connections alive, and records the arrival time of every hit per path (/s/<index>).

    python bench/checks/target.py PORT_FILE HITS_FILE [--delay-ms 50] [--host 127.0.0.1]
        [--fail-file FAIL_FILE]

Writes its port to PORT_FILE once listening; on SIGTERM writes "index t1 t2 ..." lines to HITS_FILE.
With --fail-file, SIGUSR1 reads "LO HI" from FAIL_FILE and from then on answers 503 to /s/<n> for
LO <= n < HI (a mass outage, bench/maintenance); the hits served 503 go to FAIL_FILE.hits too.
"""

# ruff: noqa: E402 - gevent patches the standard library before anything imports socket.
from gevent import monkey

monkey.patch_all()

import argparse
import signal
import sys
import time
from collections import defaultdict

import gevent
from gevent.server import StreamServer

HITS: dict[str, list[float]] = defaultdict(list)
FAILED: dict[str, list[float]] = defaultdict(list)
FAILING = [0, 0]  # answer 503 to /s/<n> for FAILING[0] <= n < FAILING[1]
BODY = b'{"status": "ok", "db": {"ok": true, "latency_ms": 3.2}, "version": "1.4.2", "queue": 0}'
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(BODY),
    BODY,
)
UNAVAILABLE = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"


def failing(path: str) -> bool:
    if not path.startswith("/s/") or FAILING[0] == FAILING[1]:
        return False
    index = int(path[3:])
    return FAILING[0] <= index < FAILING[1]


def handle(sock, _address, delay):
    buffer = b""
    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            arrived = time.time()
            path = head.split(b" ", 2)[1].decode()
            HITS[path].append(arrived)
            gevent.sleep(delay)
            if failing(path):
                FAILED[path].append(arrived)
                sock.sendall(UNAVAILABLE)
            else:
                sock.sendall(RESPONSE)
    except OSError:
        return
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port_file")
    parser.add_argument("hits_file")
    parser.add_argument("--delay-ms", type=float, default=50)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--fail-file", help="SIGUSR1 reads 'LO HI' from it: those paths fail")
    args = parser.parse_args()
    server = StreamServer(
        (args.host, 0), lambda s, a: handle(s, a, args.delay_ms / 1000), backlog=4096
    )
    server.start()

    def write(name, hits):
        with open(name, "w") as out:
            for path, times in hits.items():
                if path.startswith("/s/"):
                    out.write(path[3:] + " " + " ".join(f"{t:.4f}" for t in times) + "\n")

    def dump(*_):
        write(args.hits_file, HITS)
        if args.fail_file:
            write(args.fail_file + ".hits", FAILED)
        sys.exit(0)

    def fail(*_):
        with open(args.fail_file) as source:
            FAILING[:] = [int(n) for n in source.read().split()[:2]]

    gevent.signal_handler(signal.SIGTERM, dump)
    if args.fail_file:
        gevent.signal_handler(signal.SIGUSR1, fail)
    with open(args.port_file, "w") as out:
        out.write(str(server.server_port))
    gevent.wait()


if __name__ == "__main__":
    main()
