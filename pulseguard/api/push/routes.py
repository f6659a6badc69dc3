"""Routes of /api/push/: a ping by token (`/api/push/<token>[/start|/fail|/log|/<exit code>]`).

`answer()` does the work for any way of finding the server: given a finder (monitoring/pings.py:
`ByToken` here, `ByKey` for the slug form with a push API key, `/api/push/k/<push_key>/...`), it
records the ping through the process's batcher and builds the answer: 429 with Retry-After
past PUSH_RATE_LIMIT for that server.
"""

from flask import current_app, request
from flask_smorest import abort

from pulseguard.api.push import blp
from pulseguard.api.push.schemas import PingAnswerSchema, PingQuerySchema
from pulseguard.appctx import real_app
from pulseguard.monitoring.ping_batcher import batcher_of
from pulseguard.monitoring.pings import ByToken, Finder, Ping

NAMED = ("start", "fail", "log")
NOT_FOUND = "Not found"  # the same body for every unknown, rotated or deleted token
LIMITED = "Too many pings to this server; wait a little and try again (see Retry-After)."
QUERY = PingQuerySchema()  # one instance: a schema class would be instantiated per request
METHODS = ["GET", "POST"]  # and HEAD, which Flask adds to GET


def event_of(segment: str | None) -> tuple[str, int | None]:
    """Return (event, exit code) of the path's last segment; 404 or 422 when it is neither."""
    if segment is None:
        return "success", None
    if segment in NAMED:
        return segment, None
    if not segment.isdigit() or len(segment) > 6:
        abort(404, message=NOT_FOUND)
    code = int(segment)
    if code > 255:
        abort(422, errors={"path": {"exit_code": ["Must be between 0 and 255."]}})
    return ("success" if code == 0 else "fail"), code


def ping_of(event: str, exit_code: int | None, args: dict, method: str, body: bytes, **client):
    """The Ping a request makes (Flask's route and the WSGI fast path build it alike).

    client: remote_addr and user_agent (None when absent).
    """
    if event == "success" and exit_code is None and args.get("status") == "down":
        event = "fail"  # Uptime Kuma's ?status=down
    return Ping(
        event=event,
        method=method,
        exit_code=exit_code,
        rid=args.get("rid"),
        msg=args.get("msg"),
        duration_ms=args.get("duration_ms"),
        body=body.decode("utf-8", errors="replace") if body else None,
        **client,
    )


def answer(finder: Finder, segment: str | None, args: dict):
    """Record a ping to the server the finder names; the API answer."""
    event, exit_code = event_of(segment)
    limit = current_app.config["PUSH_BODY_LIMIT"]
    body = request.stream.read(limit) if request.method == "POST" else b""
    ping = ping_of(
        event,
        exit_code,
        args,
        request.method,
        body,
        remote_addr=request.remote_addr,
        user_agent=request.user_agent.string or None,
    )
    result = batcher_of(real_app()).submit(finder, ping)
    if result is None:
        abort(404, message=NOT_FOUND)
    if result.retry_after is not None:
        abort(429, message=LIMITED, headers={"Retry-After": str(result.retry_after)})
    if result.ignored:
        return {"ok": True, "ignored": result.ignored}
    return {"ok": True, "status": result.status}


@blp.after_request
def public_headers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Ping-Body-Limit"] = str(current_app.config["PUSH_BODY_LIMIT"])
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/<token>", methods=METHODS)
@blp.public
@blp.arguments(QUERY, location="query")
@blp.response(200, PingAnswerSchema)
@blp.alt_response(404, description="No push server has this token")
@blp.alt_response(429, description="Over PUSH_RATE_LIMIT for this server; see Retry-After")
def ping(args, token):
    """Report success (GET, HEAD or POST; a POST body is kept). Kuma's ?status=down means fail."""
    return answer(ByToken(token), None, args)


EVENT = {
    "in": "path",
    "name": "event",
    "required": True,
    "description": "`start`, `fail`, `log`, or an exit code 0..255",
    "schema": {
        "type": "string",
        "pattern": "^(start|fail|log|[0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$",
    },
}


@blp.route("/<token>/<event>", methods=METHODS, parameters=[EVENT])
@blp.public
@blp.arguments(QUERY, location="query")
@blp.response(200, PingAnswerSchema)
@blp.alt_response(404, description="No push server has this token, or no such event")
@blp.alt_response(429, description="Over PUSH_RATE_LIMIT for this server; see Retry-After")
def ping_event(args, token, event):
    """Report `start`, `fail` or `log`, or an exit code (0: success, 1..255: fail)."""
    return answer(ByToken(token), event, args)


def not_found(**_path):
    """Anything else under /api/push/: the same 404 as an unknown token."""
    abort(404, message=NOT_FOUND)


# A plain Flask rule (not in the OpenAPI document): the slug form's static `k`/`key` segments
# and the documented routes above all rank before it.
blp.record_once(
    lambda state: state.app.add_url_rule(
        "/api/push/<token>/<event>/<path:rest>", "push_not_found", not_found, methods=METHODS
    )
)
