"""A cheap HTTP/1.1 keep-alive load generator: asyncio streams, one process, no parsing beyond
the status line and Content-Length (wrk is not installed here).

    python bench/pages/loader.py HOST PORT PATH --connections 64 --duration 60

Prints one JSON line: requests answered, per status, requests/s, latency p50/p99, and this
process's own CPU seconds (so that the load it puts on the machine is counted apart).
"""

import argparse
import asyncio
import json
import resource
import time


async def client(host, port, path, until, tally, latencies):
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\r\n".encode()
    try:
        while time.monotonic() < until:
            start = time.monotonic()
            writer.write(request)
            status = (await reader.readline()).split(b" ", 2)[1]
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.monotonic() - start)
            tally[status] = tally.get(status, 0) + 1
    finally:
        writer.close()


async def run(args):
    tally, latencies = {}, []
    start = time.monotonic()
    until = start + args.duration
    await asyncio.gather(
        *(
            client(args.host, args.port, args.path, until, tally, latencies)
            for _ in range(args.connections)
        ),  # fmt: skip
        return_exceptions=False,
    )
    return tally, latencies, time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("path")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=float, default=60)
    args = parser.parse_args()
    tally, latencies, elapsed = asyncio.run(run(args))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    latencies.sort()

    def pct(q):
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1)

    total = sum(tally.values())
    print(
        json.dumps(
            {
                "requests": total,
                "by_status": {k.decode(): v for k, v in tally.items()},
                "requests_per_s": round(total / elapsed, 1),
                "latency_p50_ms": pct(0.5) if latencies else None,
                "latency_p99_ms": pct(0.99) if latencies else None,
                "loader_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                "elapsed_s": round(elapsed, 1),
                "connections": args.connections,
            }
        )
    )


if __name__ == "__main__":
    main()
