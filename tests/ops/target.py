"""A local HTTP target for the fault tests: counts hits per path; /slow/<ms>/... answers late."""

from collections import Counter

import gevent
from gevent.pywsgi import WSGIServer


class Target:
    """A gevent WSGI server on 127.0.0.1:<free port>, counting requests per path."""

    def __init__(self):
        self.hits = Counter()
        self.server = WSGIServer(("127.0.0.1", 0), self.app, log=None, error_log=None)
        self.server.start()
        self.port = self.server.server_port

    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        parts = path.strip("/").split("/")
        if parts[0] == "slow":
            gevent.sleep(int(parts[1]) / 1000)
        self.hits[path] += 1  # counted when answered, as a check that got its answer
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    def stop(self):
        self.server.stop(timeout=1)
