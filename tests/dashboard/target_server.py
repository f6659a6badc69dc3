"""A tiny HTTP target for browser tests, run as its own process: it answers with the status code
written in the file given as argv[1] (200 until told otherwise), optionally after a random delay of
up to argv[2] seconds, and prints its port."""

import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STATE = Path(sys.argv[1])
MAX_DELAY_S = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server naming
        code = int(STATE.read_text().strip() or 200) if STATE.exists() else 200
        body = b"ok\n" if code < 400 else b"failing\n"
        if MAX_DELAY_S:
            time.sleep(random.uniform(0, MAX_DELAY_S))
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET  # noqa: N815

    def do_POST(self):  # noqa: N802 - a notification receiver (webhook, Apprise json://)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
