"""Configuration as code (API-NEXT §7): a server as a document writes it, declarative fields only.

What the API reads back but nobody sets (ids, owner, timestamps, push tokens and other runtime
state: every dump-only field, nested blocks included) stays out, so the document is what an apply
would write. A revision is a hash of a document's canonical JSON (snapshot.revision_of).
"""

import hashlib
import json

from marshmallow import Schema, fields
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pulseguard.api.servers.schemas import ServerSchema
from pulseguard.extensions import db
from pulseguard.models import Server

VERSION = 1
FIRST = ("key", "name", "protocol")  # the fields a reader looks for first


def declarative(schema: Schema, data: dict) -> dict:
    """Return the dumped data without the schema's dump-only fields, nested schemas too."""
    out = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if field.dump_only or key not in data:
            continue
        value = data[key]
        if isinstance(field, fields.Nested) and isinstance(value, dict):
            value = declarative(field.schema, value)
        out[key] = value
    ordered = {key: out.pop(key) for key in FIRST if key in out}
    return ordered | out


def _lean_schema() -> Schema:
    """ServerSchema without its top-level dump-only fields: nothing to compute, nothing to load."""
    dump_only = [name for name, field in ServerSchema._declared_fields.items() if field.dump_only]
    return ServerSchema(exclude=dump_only)


_schema: Schema | None = None


def exported(server: Server) -> dict:
    """Return one server as the export document writes it."""
    global _schema
    if _schema is None:
        _schema = _lean_schema()
    return declarative(_schema, _schema.dump(server))


def owned_servers(user_id: int) -> list[Server]:
    """Return a user's servers in key order, with what their export reads loaded."""
    stmt = (
        select(Server)
        .where(Server.owner_id == user_id)
        .options(selectinload(Server.push_monitor))
        .order_by(Server.key)
    )
    return list(db.session.scalars(stmt))


def revision(document: dict) -> str:
    """Return the revision of a document (its ETag): a hash of its canonical JSON."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
