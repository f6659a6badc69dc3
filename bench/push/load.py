"""A lean ping load generator: gevent, raw keep-alive HTTP/1.1, one JSON line of figures.

    python bench/push/load.py PORT TOKENS_FILE --seconds 30 --connections 64 [--rate 1000]

--rate 0: closed loop (each connection sends its next ping when the last is answered).
--rate N: open loop, N pings/s spread over the connections; each ping's latency counts from its
planned send time, so a server stall is not hidden by the client waiting (coordinated omission).
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402


def connection(port, tokens, end, rate_per_conn, latencies, counts, sent):
    """Send pings on one keep-alive connection until `end`."""
    sock = socket.create_connection(("127.0.0.1", port))
    reader = sock.makefile("rb")
    planned = time.monotonic()
    while True:
        if rate_per_conn:
            planned += 1.0 / rate_per_conn
            gevent.sleep(max(0.0, planned - time.monotonic()))
        else:
            planned = time.monotonic()
        if planned >= end or time.monotonic() >= end:
            break  # open loop: pings the server had no time for are counted as not sent
        token = next(tokens)
        sock.sendall(f"GET /api/push/{token} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        status = reader.readline().split()[1]
        length = 0
        while (line := reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        reader.read(length)
        latencies.append(time.monotonic() - planned)
        sent.append(planned)
        counts["ok" if status == b"200" else "errors"] += 1
    sock.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("tokens")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--timeline", action="store_true", help="p50/p99/max per second sent")
    args = parser.parse_args()
    tokens = itertools.cycle(open(args.tokens).read().split())
    latencies, counts, sent = [], {"ok": 0, "errors": 0}, []
    start = time.monotonic()
    end = start + args.seconds
    per_conn = args.rate / args.connections if args.rate else 0
    workers = [
        gevent.spawn(connection, args.port, tokens, end, per_conn, latencies, counts, sent)
        for _ in range(args.connections)
    ]
    gevent.joinall(workers)
    elapsed = time.monotonic() - start
    timeline = per_second(start, sent, latencies) if args.timeline else None
    latencies.sort()

    def pct(q):
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1)

    print(
        json.dumps(
            {
                "seconds": round(elapsed, 1),
                "ok": counts["ok"],
                "errors": counts["errors"],
                "pings_per_s": round(counts["ok"] / elapsed, 1),
                "p50_ms": pct(0.5) if latencies else None,
                "p99_ms": pct(0.99) if latencies else None,
                "connections": args.connections,
                "rate": args.rate,
            }
            | ({"per_second": timeline} if timeline is not None else {})
        )
    )


def per_second(start, sent, latencies):
    """[second, pings, p50 ms, p99 ms, max ms] by the second each ping was planned in."""
    seconds: dict[int, list[float]] = {}
    for planned, latency in zip(sent, latencies, strict=True):
        seconds.setdefault(int(planned - start), []).append(latency * 1000)
    rows = []
    for second, values in sorted(seconds.items()):
        values.sort()
        p50, p99 = values[len(values) // 2], values[min(len(values) - 1, int(0.99 * len(values)))]
        rows.append([second, len(values), round(p50, 1), round(p99, 1), round(values[-1], 1)])
    return rows


if __name__ == "__main__":
    main()
