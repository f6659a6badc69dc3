"""Real local peers for notification tests: an SMTP server, a webhook receiver, a fake Twilio."""

import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

import gevent
from gevent.event import Event
from gevent.pywsgi import WSGIServer


def wait_for(predicate, timeout=10.0, interval=0.02):
    """Poll until predicate() is truthy and return it; fail after the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        gevent.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {predicate}")


class SmtpPeer:
    """aiosmtpd in a subprocess; `messages()` returns what it accepted."""

    def __init__(self, tmp_path: Path, tls: tuple[str, str, str] | None = None):
        """tls: (security "starttls" or "ssl", certificate file, key file)."""
        self.outfile = tmp_path / "mail.jsonl"
        self.outfile.touch()
        script = Path(__file__).with_name("smtp_peer.py")
        command = [sys.executable, str(script), str(self.outfile), *(tls or ())]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith("PORT "), f"SMTP peer did not start: {line!r}"
        self.port = int(line.split()[1])

    def messages(self) -> list[dict]:
        return [json.loads(line) for line in self.outfile.read_text().splitlines()]

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=5)


class HttpPeer:
    """A WSGI server on 127.0.0.1:<ephemeral> that records requests and answers as told.

    `answers` is a list of (status, body) used in turn; when it runs out, `default` answers.
    Set `hold` to make every request wait until the event is set (a hanging channel).
    """

    def __init__(self, default=(200, "{}")):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, str]] = []
        self.default = default
        self.hold: Event | None = None
        self.headers: dict[str, str] = {}
        self.server = WSGIServer(("127.0.0.1", 0), self.app, log=None, error_log=None)
        self.server.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def app(self, environ, start_response):
        body = environ["wsgi.input"].read()
        headers = {
            k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k[:5] == "HTTP_"
        }
        self.requests.append(
            {
                "method": environ["REQUEST_METHOD"],
                "path": environ["PATH_INFO"],
                "headers": headers,
                "content_type": environ.get("CONTENT_TYPE", ""),
                "body": body,
            }
        )
        if self.hold is not None:
            self.hold.wait()
        status, text = self.answers.pop(0) if self.answers else self.default
        start_response(f"{status} X", [("Content-Type", "application/json"), *self.headers.items()])
        return [text.encode()]

    def json(self, index=-1) -> dict:
        return json.loads(self.requests[index]["body"])

    def form(self, index=-1) -> dict:
        return {k: v[0] for k, v in parse_qs(self.requests[index]["body"].decode()).items()}

    def close(self):
        if self.hold is not None:
            self.hold.set()
        self.server.stop(timeout=1)
