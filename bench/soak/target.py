"""The soak's HTTP target: answers every path with 200 at once and counts what it answered.

`python bench/soak/target.py PORT` serves until killed; GET /__hits returns the count of answered
check requests (its own requests are not counted).
"""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from gevent.pywsgi import WSGIServer  # noqa: E402

answered = 0


def app(environ, start_response):
    global answered
    if environ["PATH_INFO"] == "/__hits":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(answered).encode()]
    answered += 1
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


if __name__ == "__main__":
    WSGIServer(("127.0.0.1", int(sys.argv[1])), app, log=None, error_log=None).serve_forever()
