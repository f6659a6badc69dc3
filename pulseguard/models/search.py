"""Finding servers by name and by tag, the same way for REST, the overview and the live streams."""

import json

from sqlalchemy import String, cast

from pulseguard.models.server import Server
from pulseguard.sql import like_escape


def name_contains(text: str):
    """A condition: the server's name contains text, ignoring case (wildcards are literal)."""
    return Server.name.ilike(f"%{like_escape(text)}%", escape="\\")


def has_tag(tag: str):
    """A condition: the server carries this exact tag.

    Tags are a JSON list; its text holds each tag JSON-quoted on every database, so a quoted
    match is exact (the tag "web" does not match "webapp").
    """
    pattern = f"%{like_escape(json.dumps(tag))}%"
    return cast(Server.tags, String).like(pattern, escape="\\")


def matching(stmt, args):
    """Apply the `q` (name) and `tag` filters of a query string to a select of servers."""
    if "q" in args:
        stmt = stmt.where(name_contains(args["q"]))
    if "tag" in args:
        stmt = stmt.where(has_tag(args["tag"]))
    return stmt
