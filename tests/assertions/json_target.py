"""A local HTTP target for assertion tests: JSON, headers, slow and catastrophic bodies."""

import json

import gevent
from gevent.pywsgi import WSGIServer

HEALTH = {
    "db": {"ok": True, "latency_ms": 4.5, "replicas": 2},
    "version": "2.4.1",
    "tags": ["eu", "primary"],
    "queue": None,
    "items": [{"name": "a", "size": 1}, {"name": "b", "size": 7}],
}


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/health":
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json"),
                ("X-Version", "2.4.1"),
                ("Cache-Control", "no-store"),
            ],
        )
        return [json.dumps(HEALTH).encode()]
    if path == "/down":
        start_response("503 Service Unavailable", [("Content-Type", "application/json")])
        return [json.dumps({"db": {"ok": False}}).encode()]
    if path.startswith("/slow/"):  # headers at once, the body after the delay
        delay = int(path.rsplit("/", 1)[1]) / 1000
        start_response("200 OK", [("Content-Type", "text/plain")])

        def slow_body():
            yield b"first part "
            gevent.sleep(delay)
            yield b"last part"

        return slow_body()
    if path == "/xs":  # a body that makes a backtracking regex explode
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"x" * 5000]
    start_response("200 OK", [("Content-Type", "text/html")])
    return [b"<html><body>Welcome to PulseGuard, all systems GO</body></html>"]


class JsonTarget:
    """The app above on an ephemeral port of 127.0.0.1."""

    def __init__(self):
        self.server = WSGIServer(("127.0.0.1", 0), app, log=None, error_log=None)
        self.server.start()
        self.port = self.server.server_port

    def stop(self):
        self.server.stop(timeout=1)


if __name__ == "__main__":  # as its own process (browser tests): print the port, then serve
    target = JsonTarget()
    print(target.port, flush=True)
    target.server.serve_forever()
