"""Routes of /api/servers/test/ and /api/servers/<id>/test/: one traced check, nothing stored."""

from datetime import UTC, datetime
from types import SimpleNamespace

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields

from pulseguard import kinds
from pulseguard.api.access import get_own_server
from pulseguard.api.ping_results.schemas import PingResultSchema
from pulseguard.api.servers import blp
from pulseguard.api.servers.routes import apply
from pulseguard.api.servers.schemas import ServerSchema
from pulseguard.checks.guard import guard_of
from pulseguard.checks.trace import run_traced
from pulseguard.extensions import db
from pulseguard.kinds.push import ping_url
from pulseguard.models import Server, ServerStatus
from pulseguard.ratelimit import retry_after
from pulseguard.security import current_user

TRACE_DOC = (
    "Each step as it happened: `dns` (ms, host, detail: the addresses, or error), `connect` "
    "(ms, detail or error), `tls` (ms, detail: the TLS version, or error), `http` (status, ms), "
    "then `assertion` (index and the verdict), or the kind's own step (`dns` for a dns server)."
)


class TrialResultSchema(PingResultSchema):
    """A PingResult that was not recorded: no id."""

    class Meta:
        exclude = ("id",)


class ServerTestSchema(Schema):
    result = fields.Nested(
        TrialResultSchema,
        allow_none=True,
        metadata={"description": "The PingResult this check would record; null for push."},
    )
    trace = fields.List(fields.Dict(), metadata={"description": TRACE_DOC})


@blp.route("/test/")
class ServerDraftTest(MethodView):
    @blp.arguments(ServerSchema)
    @blp.response(200, ServerTestSchema)
    @blp.alt_response(409, description="The key is used by another of your servers")
    @blp.alt_response(429, description="Over RATE_LIMIT_SERVER_TEST; see Retry-After")
    def post(self, data):
        """Check a server that is not saved yet, once, now; nothing is stored.

        The body is validated exactly as `POST /api/servers/` validates it (422 otherwise). The
        answer is the result the check would record and a step-by-step trace. A push server is
        never probed: `result` is null and the trace says where its pings go once saved.
        """
        server = Server(owner_id=current_user().id, current_status=ServerStatus())
        apply(server, data)
        return tested(server)


@blp.route("/<int:server_id>/test/")
class ServerTest(MethodView):
    @blp.response(200, ServerTestSchema)
    @blp.alt_response(404, description="No such server (or not yours)")
    @blp.alt_response(429, description="Over RATE_LIMIT_SERVER_TEST; see Retry-After")
    def post(self, server_id):
        """Check one of your servers once, now, with a trace; nothing is stored (even if paused)."""
        return tested(get_own_server(server_id))


def tested(server) -> dict:
    """Run the traced check of a server (saved or not) and roll back anything it touched."""
    limit_tests()
    if not kinds.get(server.protocol).active:
        answer = {"result": None, "trace": [push_step(server)]}
        db.session.rollback()
        return answer
    target = kinds.target_of(server)
    server_id = server.id
    db.session.rollback()  # store nothing, and hold no connection while probing
    checked_at = datetime.now(UTC)
    config = current_app.config
    outcome, trace = run_traced(target, guard_of(config), config.get("CHECK_CA_BUNDLE"))
    result = SimpleNamespace(
        server_id=server_id,
        outcome=outcome.status,
        response_time_ms=outcome.response_time_ms,
        status_code=outcome.status_code,
        error_message=None if outcome.ok else outcome.message[:500],
        checked_at=checked_at,
        kind=outcome.kind,
        in_maintenance=False,
        details=outcome.details,
        assertions=outcome.assertions,
    )
    return {"result": result, "trace": trace}


def push_step(server) -> dict:
    detail = "A push server is never probed: its results are the pings your job sends"
    monitor = server.push_monitor
    if server.id is not None and monitor is not None and monitor.token:
        return {"step": "push", "detail": f"{detail} to {ping_url(monitor.token)}."}
    return {"step": "push", "detail": f"{detail}; its ping URL is made when it is saved."}


def limit_tests() -> None:
    """Answer 429 past RATE_LIMIT_SERVER_TEST test runs per user (each one connects out)."""
    wait = retry_after("RATE_LIMIT_SERVER_TEST", "server-test", str(current_user().id))
    if wait is not None:
        message = "Too many test runs; wait a little and try again (see Retry-After)."
        abort(429, message=message, headers={"Retry-After": str(wait)})
