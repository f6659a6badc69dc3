"""WSGI fast paths: a few hot requests answered before Flask, the rest handed on to it.

Flask's request path (request context, url matching, before/after hooks, the error handlers) costs
about as much CPU as a cached public page itself. A fast path is a plain WSGI callable built once
per app by a maker, `maker(app) -> handler`; `handler(environ, start_response)` returns the response
body (an iterable, after calling start_response) or None to hand the request on to Flask unchanged.
A handler answers only what it can answer exactly as Flask would (same status, headers and body);
anything else (an unusual method, a query string, no cached copy) it hands on.

install(app, makers) wraps app.wsgi_app, before headers.init_app adds ProxyFix around it: handlers
see the client's address and scheme as Flask does.
"""

from collections.abc import Callable, Iterable
from typing import Any

Handler = Callable[[dict, Callable], Iterable[bytes] | None]
Maker = Callable[[Any], Handler]


class FastPaths:
    """The WSGI app in front of Flask's: each handler in turn, then Flask."""

    def __init__(self, flask_wsgi, handlers: list[Handler]):
        self.flask_wsgi, self.handlers = flask_wsgi, handlers

    def __call__(self, environ, start_response):
        for handler in self.handlers:
            body = handler(environ, start_response)
            if body is not None:
                return body
        return self.flask_wsgi(environ, start_response)


def install(app, makers: list[Maker]) -> None:
    """Put the handlers the makers build for this app in front of its Flask WSGI app."""
    handlers = [maker(app) for maker in makers]
    if handlers:
        app.wsgi_app = FastPaths(app.wsgi_app, handlers)


def makers() -> list[Maker]:
    """The fast paths of a web app, in the order they are tried (each file names what it serves)."""
    from pulseguard.fastpath import pages, push

    return [pages.make, push.make]
