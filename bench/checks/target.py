"""A local HTTP target for the check benchmark: answers every request after ~50 ms with a small
JSON health document (what the assertions of `run.py --assertions-share` look at), keeps
connections alive, and records the arrival time of every hit per path (/s/<index>).

    python bench/checks/target.py PORT_FILE HITS_FILE [--delay-ms 50] [--host 127.0.0.1]

Writes its port to PORT_FILE once listening; on SIGTERM writes "index t1 t2 ..." lines to HITS_FILE.
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
BODY = b'{"status": "ok", "db": {"ok": true, "latency_ms": 3.2}, "version": "1.4.2", "queue": 0}'
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(BODY),
    BODY,
)


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
    args = parser.parse_args()
    server = StreamServer(
        (args.host, 0), lambda s, a: handle(s, a, args.delay_ms / 1000), backlog=4096
    )
    server.start()

    def dump(*_):
        with open(args.hits_file, "w") as out:
            for path, times in HITS.items():
                if path.startswith("/s/"):
                    out.write(path[3:] + " " + " ".join(f"{t:.4f}" for t in times) + "\n")
        sys.exit(0)

    gevent.signal_handler(signal.SIGTERM, dump)
    with open(args.port_file, "w") as out:
        out.write(str(server.server_port))
    gevent.wait()


if __name__ == "__main__":
    main()
