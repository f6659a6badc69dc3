"""Slug push URLs (API-NEXT §1.2): a ping found by the server's `key` and a `push` API key.

`/api/push/k/<push_key>/<server_key>[/<event>]` carries the key in the path (for crontabs and
devices that cannot set headers); `/api/push/key/<server_key>[/<event>]` takes it from
`X-API-Key` (or `Authorization: Bearer pgk_...`). The key needs the `push` scope (403 otherwise;
every bad key gets the one 401 of keyauth.py) and reaches only its owner's push servers: any
other server key is the same 404 as an unknown token. `?create=1` makes the push server with the
defaults when the owner has none with that key, and answers 201.
"""

import re

from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pulseguard import keyauth
from pulseguard.api.push import blp
from pulseguard.api.push.routes import EVENT, METHODS, NOT_FOUND, answer
from pulseguard.api.push.schemas import PingAnswerSchema, PingQuerySchema
from pulseguard.api.servers.routes import apply
from pulseguard.api.servers.schemas import ServerSchema
from pulseguard.extensions import db
from pulseguard.models import Server, ServerStatus
from pulseguard.models.server_key import KEY_PATTERN
from pulseguard.monitoring.pings import ByKey

SERVER_KEY = re.compile(KEY_PATTERN)
PUSH_KEY = {"in": "path", "name": "push_key", "required": True, "schema": {"type": "string"},
            "description": "An API key with the `push` scope (`pgk_...`)"}  # fmt: skip
KEY_HEADER = {"in": "header", "name": "X-API-Key", "required": True, "schema": {"type": "string"},
              "description": "An API key with the `push` scope"}  # fmt: skip


class SlugPingQuerySchema(PingQuerySchema):
    create = fields.Bool(
        load_default=False,
        metadata={"description": "`1`: make the push server (defaults) if none has this key"},
    )


SLUG_QUERY = SlugPingQuerySchema()  # one instance, not one per request


def _owner_of(key: str) -> int:
    user, grant = keyauth.resolve(key)
    keyauth.require(grant, "push")
    return user.id


def _create(owner_id: int, server_key: str) -> bool:
    """Make a push server with the defaults; False when another request made it first."""
    data = ServerSchema().load({"name": server_key, "key": server_key, "protocol": "push"})
    server = Server(owner_id=owner_id, key=data.pop("key"), current_status=ServerStatus())
    apply(server, data)
    db.session.add(server)
    try:
        db.session.commit()
    except IntegrityError:  # the same key made at the same moment: ping that one
        db.session.rollback()
        return False
    return True


def _ping(owner_id: int, server_key: str, event: str | None, args: dict):
    if not SERVER_KEY.match(server_key):
        abort(404, message=NOT_FOUND)
    server_id = select(Server.id).where(Server.owner_id == owner_id, Server.key == server_key)
    created = False
    if args.get("create") and db.session.scalar(server_id) is None:
        created = _create(owner_id, server_key)
    db.session.rollback()  # the ping is recorded by the batcher in its own transaction
    result = answer(ByKey(owner_id, server_key), event, args)
    return (result, 201) if created else result


def _header_key() -> str:
    key = keyauth.presented_key()
    if key is None:
        abort(401, message="Send a push API key in X-API-Key (or use /api/push/k/<key>/...).")
    return key


BAD_KEY = "Not a valid API key"
NO_KEY = "No API key, or not a valid one"
NO_SERVER = "You have no push server with this key"
NO_EVENT = NO_SERVER + ", or no such event"
CREATED = "`create=1` made the server"


def _documented(unauthorized: str, not_found: str):
    """The query and the answers every slug ping route shares, innermost decorator first."""

    def wrap(view):
        for decorate in (
            blp.alt_response(
                429, description="Over PUSH_RATE_LIMIT for this server; see Retry-After"
            ),
            blp.alt_response(404, description=not_found),
            blp.alt_response(403, description="The key lacks the `push` scope"),
            blp.alt_response(401, description=unauthorized),
            blp.alt_response(201, schema=PingAnswerSchema, description=CREATED),
            blp.response(200, PingAnswerSchema),
            blp.arguments(SLUG_QUERY, location="query"),
        ):
            view = decorate(view)
        return view

    return wrap


@blp.route("/k/<push_key>/<server_key>", methods=METHODS, parameters=[PUSH_KEY])
@_documented(BAD_KEY, NO_SERVER)
def slug_ping(args, push_key, server_key):
    """Report success to your push server `server_key`; the path holds a `push` API key."""
    return _ping(_owner_of(push_key), server_key, None, args)


@blp.route("/k/<push_key>/<server_key>/<event>", methods=METHODS, parameters=[PUSH_KEY, EVENT])
@_documented(BAD_KEY, NO_EVENT)
def slug_ping_event(args, push_key, server_key, event):
    """Report `start`, `fail`, `log` or an exit code to your push server `server_key`."""
    return _ping(_owner_of(push_key), server_key, event, args)


@blp.route("/key/<server_key>", methods=METHODS, parameters=[KEY_HEADER])
@_documented(NO_KEY, NO_SERVER)
def header_ping(args, server_key):
    """Report success to your push server `server_key`; `X-API-Key` holds a `push` key."""
    return _ping(_owner_of(_header_key()), server_key, None, args)


@blp.route("/key/<server_key>/<event>", methods=METHODS, parameters=[KEY_HEADER, EVENT])
@_documented(NO_KEY, NO_EVENT)
def header_ping_event(args, server_key, event):
    """Report `start`, `fail`, `log` or an exit code; `X-API-Key` holds a `push` key."""
    return _ping(_owner_of(_header_key()), server_key, event, args)
