"""Configuration as code (API-NEXT §7), the export document: your servers, declarative fields only.

What the API reads back but nobody sets (ids, owner, timestamps, push tokens and other runtime
state: every dump-only field, nested blocks included) stays out, so the document is what an apply
would write. The revision is a hash of the document: it changes when any exported field does.
"""

import hashlib
import json

from marshmallow import Schema, fields
from sqlalchemy import select

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


def server_document(user) -> dict:
    """Return the export document of the servers a user owns, in key order."""
    schema = ServerSchema()
    rows = db.session.scalars(select(Server).where(Server.owner_id == user.id).order_by(Server.key))
    return {"version": VERSION, "servers": [declarative(schema, schema.dump(s)) for s in rows]}


def revision(document: dict) -> str:
    """Return the revision of a document (its ETag): a hash of its canonical JSON."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
