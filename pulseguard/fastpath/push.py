"""The push ping fast path: `/api/push/<token>[/<event>]` answered without Flask's request path.

A ping's own work is small (it joins the process's batch, monitoring/ping_batcher.py); Flask's
request context, routing, webargs and hooks cost more than it. This handler answers the pings
that Flask's route (api/push/routes.py) would answer 200, 404 (unknown token) or 429, with the
same status line, headers in the same order, body and request count, through the same batcher
(so the same rate limit, recording and group commit: the answer is sent after its batch
commits). Everything else goes to Flask unchanged: another method (405), an odd path or event
(404, 422 for an exit code above 255), a query string that fails PingQuerySchema or hygiene
(422), a JSON body (hygiene parses it), a body without Content-Length or over
MAX_CONTENT_LENGTH (413), an `Origin` header (CORS_ORIGINS' own headers) and the slug routes
(`k`, `key`). tests/fastpath/test_push.py sends each case to this app and to Flask alone.
"""

import re
from http import HTTPStatus
from urllib.parse import parse_qsl

from marshmallow import EXCLUDE, ValidationError

from pulseguard import metrics
from pulseguard.api.push.routes import LIMITED, NAMED, NOT_FOUND, QUERY, ping_of
from pulseguard.headers import HEADERS, STRICT_CSP
from pulseguard.hygiene import string_problem
from pulseguard.monitoring.ping_batcher import batcher_of
from pulseguard.monitoring.pings import ByToken

PREFIX = "/api/push/"
TOKEN = re.compile(r"[A-Za-z0-9]{1,100}")  # base62; anything else is Flask's to judge
SLUG = ("k", "key")  # the slug routes' static segments (api/push/slug_routes.py)
METHODS = ("GET", "HEAD", "POST")
ROUTES = ("/api/push/<token>", "/api/push/<token>/<event>")  # the label count_request uses
STATUS = {200: "200 OK", 404: "404 NOT FOUND", 429: "429 TOO MANY REQUESTS"}  # werkzeug's


def make(app):
    """The push fast path of an app (fastpath.makers)."""
    return PushPings(app)


class PushPings:
    """A WSGI handler for plain pings by token; None hands a request on to Flask."""

    def __init__(self, app):
        self.app = app
        self.bodies: dict[tuple, bytes] = {}  # (code, answer items) -> Flask's JSON bytes

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX) or environ["REQUEST_METHOD"] not in METHODS:
            return None
        if "HTTP_ORIGIN" in environ:
            return None  # a browser's request: CORS_ORIGINS' headers are Flask-CORS's to add
        request = self._request(environ, path[len(PREFIX) :])
        if request is None:
            return None
        token, event, exit_code, args, route = request
        body = self._body(environ)
        if body is None:
            return None
        method = environ["REQUEST_METHOD"]
        client = {
            "remote_addr": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT") or None,
        }
        ping = ping_of(event, exit_code, args, method, body, **client)
        try:
            answer = batcher_of(self.app).submit(ByToken(token), ping)
        except Exception as error:  # noqa: BLE001 - answered by Flask's own error handlers
            return self._flask_error(environ, start_response, error)
        if answer is None:
            code, payload, extra = 404, self._error(404, NOT_FOUND), []
        elif answer.retry_after is not None:
            code, payload = 429, self._error(429, LIMITED)
            extra = [("Retry-After", str(answer.retry_after))]
        elif answer.ignored:
            code, payload, extra = 200, {"ok": True, "ignored": answer.ignored}, []
        else:
            code, payload, extra = 200, {"ok": True, "status": answer.status}, []
        metrics.observe_request(method, route, code, self.app.config)
        return self._respond(environ, start_response, code, payload, extra)

    def _request(self, environ, rest: str):
        """(token, event, exit code, query arguments, route) of a plain ping, else None."""
        parts = rest.split("/")
        if len(parts) > 1 and parts[-1] == "":
            parts.pop()  # a trailing slash: the same route (strict_slashes is off)
        if len(parts) > 2 or parts[0] in SLUG or not TOKEN.fullmatch(parts[0]):
            return None
        if len(parts) == 1:
            event, exit_code = "success", None
        elif parts[1] in NAMED:
            event, exit_code = parts[1], None
        elif parts[1].isascii() and parts[1].isdigit() and len(parts[1]) <= 3:
            exit_code = int(parts[1])
            if exit_code > 255:
                return None  # Flask's 422
            event = "success" if exit_code == 0 else "fail"
        else:
            return None  # Flask's 404
        args = self._args(environ.get("QUERY_STRING", ""))
        if args is None:
            return None
        return parts[0], event, exit_code, args, ROUTES[len(parts) - 1]

    @staticmethod
    def _args(query: str) -> dict | None:
        """The query's arguments as the route's webargs would load them; None when Flask would
        refuse them (hygiene's NUL and surrogate checks, PingQuerySchema's 422)."""
        if not query:
            return {}
        if not query.isascii():
            return None  # werkzeug decodes raw bytes its own way: leave that to it
        first: dict[str, str] = {}
        for name, value in parse_qsl(query, keep_blank_values=True, errors="werkzeug.url_quote"):
            if string_problem(name) or string_problem(value):
                return None
            first.setdefault(name, value)  # webargs reads a MultiDict's first value
        try:
            return QUERY.load(first, unknown=EXCLUDE)
        except ValidationError:
            return None

    def _body(self, environ) -> bytes | None:
        """A POST's body up to PUSH_BODY_LIMIT (b"" for GET/HEAD); None: Flask's to read."""
        kind = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        if kind == "application/json" or (kind.startswith("application/") and "+json" in kind):
            return None  # hygiene parses JSON bodies (400 for bad JSON) before any view
        if "HTTP_TRANSFER_ENCODING" in environ:
            return None
        length = environ.get("CONTENT_LENGTH", "")
        if not length:
            return b""  # neither a length nor chunks: no body (RFC 9112 6.3)
        if not length.isdigit():
            return None
        size = int(length)
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and size > limit:
            return None  # Flask's 413
        if environ["REQUEST_METHOD"] != "POST":
            return b""  # a GET's body is not read, as in Flask
        return environ["wsgi.input"].read(min(size, self.app.config["PUSH_BODY_LIMIT"]))

    @staticmethod
    def _error(code: int, message: str) -> dict:
        return {"code": code, "status": HTTPStatus(code).phrase, "message": message}  # errors.py

    def _json(self, code: int, payload: dict) -> bytes:
        """The bytes Flask's JSON provider makes of a payload (indented in debug mode)."""
        key = (code, tuple(payload.items()))
        body = self.bodies.get(key)
        if body is None:
            body = self.app.json.response(payload).get_data()
            if len(self.bodies) < 64:  # a handful of answers: never grows with the traffic
                self.bodies[key] = body
        return body

    def _respond(self, environ, start_response, code, payload, extra):
        """Send the headers Flask would, in its order: the response's, the error's extra ones,
        the push blueprint's (public_headers), then the app's (add_security_headers)."""
        body = self._json(code, payload)
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            *extra,
            ("Access-Control-Allow-Origin", "*"),
            ("Ping-Body-Limit", str(self.app.config["PUSH_BODY_LIMIT"])),
            ("Cache-Control", "no-store"),
            *HEADERS.items(),
            ("Content-Security-Policy", STRICT_CSP),
        ]
        if environ.get("wsgi.url_scheme") == "https":
            headers.append(("Strict-Transport-Security", "max-age=31536000"))
        start_response(STATUS[code], headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _flask_error(self, environ, start_response, error: Exception):
        """Answer an error of the batch as Flask's error handlers and hooks would (500, 503)."""
        with self.app.request_context(environ):
            response = self.app.make_response(self.app.handle_user_exception(error))
            response = self.app.process_response(response)
            return response(environ, start_response)
