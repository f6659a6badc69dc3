"""The client side of the live benchmark: a slice of the SSE and WebSocket clients, one process.

Started by bench_live.py. Reads a JSON job on argv[1] (clients first..first+count-1 of sse+ws; the
first `sse` are SSE); prints "READY <n>" once its streams are open, then on SIGUSR1 prints one
JSON line of results and exits.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
import websocket  # noqa: E402
from gevent.event import Event  # noqa: E402

latencies = []  # seconds, one per delivery
received = {}  # client name -> set of check ids received
arrivals = {}  # sampled client name -> {check id: receive time} (events without sent_at)
spans = {}  # sampled client name -> [opened (status 200 read), ended (EOF) or None]
ended = []  # names of the streams the server ended before the run stopped
errors = []
HOST = "127.0.0.1"  # the job's "host": bench/scaleout/live.py points clients at a web host


def raise_file_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def note(name, data):
    now = time.time()
    sent_at = data.get("sent_at")
    if sent_at is not None:
        latencies.append(now - sent_at)
    elif name in arrivals:
        arrivals[name].setdefault(data["id"], now)
    received[name].add(data["id"])


RETRIES = 5
retried = [0]


def sse_client(name, port, token, ready):
    """Read a chunked text/event-stream with a raw socket; count each `ping` delivery."""
    received[name] = set()
    request = (
        f"GET /api/events/status/?limit=1 HTTP/1.1\r\nHost: bench\r\n"
        f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    )
    for _attempt in range(RETRIES + 1):  # a 503 (the server's pool busy) is retried, as told
        sock = socket.create_connection((HOST, port))
        sock.sendall(request.encode())
        reader = sock.makefile("rb")
        status = reader.readline()
        headers = []
        while (line := reader.readline()) not in (b"\r\n", b""):
            headers.append(line)
        if b" 503 " not in status:
            break
        retried[0] += 1
        wait = next(
            (h.split(b":")[1] for h in headers if h.lower().startswith(b"retry-after:")), b"1"
        )
        sock.close()
        gevent.sleep(float(wait.strip() or 1))
    if b" 200 " not in status:
        errors.append(f"{name}: {status!r}")
        ready()
        return
    if name in arrivals:
        spans[name] = [time.time(), None]
    ready()
    try:
        read_events(name, reader)
    finally:
        ended.append(name)
        if name in spans:
            spans[name][1] = time.time()


def read_events(name, reader):
    """Read the chunked event stream until the server ends it."""
    text = ""
    while True:
        size_line = reader.readline()
        if not size_line:
            return
        size = int(size_line.strip() or b"0", 16)
        if size == 0:
            return
        text += reader.read(size).decode()
        reader.readline()  # CRLF after the chunk
        *messages, text = text.split("\n\n")
        for message in messages:
            event, data = None, None
            for line in message.split("\n"):
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
            if event == "ping" and data and data[0] == "{":
                note(name, json.loads(data))


def ws_client(name, port, token, ready):
    """Subscribe to all servers; count each `update` delivery.

    websocket-client opens the socket and subscribes; frames are then read straight off the
    socket (the server never masks nor fragments them), which costs the client far less CPU.
    """
    received[name] = set()
    try:
        ws = websocket.create_connection(
            f"ws://{HOST}:{port}/ws/status/", header=[f"Authorization: Bearer {token}"]
        )
        ws.send(json.dumps({"action": "subscribe"}))
        reply = json.loads(ws.recv())
        assert reply["type"] == "subscribed", reply
    except Exception as error:  # noqa: BLE001 - reported, not raised
        errors.append(f"{name}: {error!r}")
        ready()
        return
    ready()
    sock = ws.sock
    reader = sock.makefile("rb")
    while True:
        head = reader.read(2)
        if len(head) < 2:
            return
        opcode, size = head[0] & 0x0F, head[1] & 0x7F
        if size == 126:
            size = int.from_bytes(reader.read(2), "big")
        elif size == 127:
            size = int.from_bytes(reader.read(8), "big")
        payload = reader.read(size)
        if opcode == 0x9:  # ping: answer with a masked pong (zero mask)
            sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
        elif opcode == 0x8:
            return
        elif opcode == 0x1 and payload.startswith(b'{"type":"update"'):
            note(name, json.loads(payload)["ping"])


def main():
    global HOST
    raise_file_limit()
    job = json.loads(sys.argv[1])
    HOST = job.get("host", HOST)
    port, tokens = job["port"], job["tokens"]
    first, total = job["first"], job["count"]
    opened = [0]
    all_open, stop = Event(), Event()

    def ready():
        opened[0] += 1
        if opened[0] == total:
            all_open.set()

    greenlets = []
    for i in range(first, first + total):
        kind = "sse" if i < job["sse"] else "ws"
        owner = i % len(tokens)
        name = f"{kind}-{i}-{owner}"
        if i - first < job.get("sample", 0):
            arrivals[name] = {}
        target = sse_client if kind == "sse" else ws_client
        greenlets.append(gevent.spawn(target, name, port, tokens[owner], ready))
        if i % 50 == 49:
            gevent.sleep(0.05)  # do not flood the listen backlog
    all_open.wait()
    print(f"READY {total - len(errors)}", flush=True)
    gevent.signal_handler(signal.SIGUSR1, stop.set)
    stop.wait()
    counts = {name: len(ids) for name, ids in received.items()}
    result = {"latencies": latencies, "counts": counts, "errors": errors, "retried": retried[0]}
    result["ended_by_server"] = len(ended)
    if arrivals:
        result["arrivals"] = arrivals
        result["spans"] = spans
        result["received"] = {name: sorted(received[name]) for name in arrivals}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
