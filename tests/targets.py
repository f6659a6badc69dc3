"""Local targets for check tests: real HTTP/HTTPS servers on ephemeral ports (gevent pywsgi)."""

import socket
import ssl
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import gevent
import trustme
from gevent.pywsgi import WSGIServer


class Target:
    """A WSGI app answering by path; counts hits and the most requests it served at once."""

    def __init__(self):
        self.hits = Counter()
        self.active = 0
        self.max_active = 0
        self.seen_headers = {}

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        self.hits[path] += 1
        self.seen_headers[path] = {k: v for k, v in environ.items() if k.startswith("HTTP_")}
        self.seen_headers[path]["REQUEST_METHOD"] = environ["REQUEST_METHOD"]
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            return self.answer(path, environ, start_response)
        finally:
            self.active -= 1

    def answer(self, path, environ, start_response):
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            start_response(f"{code} X", [("Content-Type", "text/plain")])
            return [] if code in (204, 304) else [f"status {code}".encode()]
        if path.startswith("/sleep/"):
            gevent.sleep(int(path.rsplit("/", 1)[1]) / 1000)
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"slept"]
        if path == "/redirect":
            start_response("302 Found", [("Location", "/status/200")])
            return [b""]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hello pulseguard world"]


class LocalServer:
    """A running target on 127.0.0.1; .port, .url(path), .app (the Target)."""

    def __init__(self, ssl_context=None):
        self.app = Target()
        tls = {"ssl_context": ssl_context} if ssl_context else {}
        self.server = WSGIServer(("127.0.0.1", 0), self.app, log=None, error_log=None, **tls)
        self.server.start()
        self.port = self.server.server_port

    def stop(self):
        self.server.stop(timeout=1)


def refused_port() -> int:
    """Return a local port nothing listens on."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class Certificates:
    """A self-made CA, a valid and an expired certificate for 127.0.0.1."""

    def __init__(self, tmp_path):
        self.ca = trustme.CA()
        self.valid_until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=90)
        self.valid = self.ca.issue_cert("127.0.0.1", not_after=self.valid_until)
        past = datetime.now(UTC) - timedelta(days=10)
        self.expired = self.ca.issue_cert(
            "127.0.0.1", not_before=past - timedelta(days=30), not_after=past
        )
        self.ca_file = str(tmp_path / "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_file)

    def server_context(self, cert) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        return context


def wait_for(predicate, timeout=10.0, interval=0.05):
    """Poll until predicate() is truthy; return its value or fail after the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Condition not met within {timeout}s")
        gevent.sleep(interval)
