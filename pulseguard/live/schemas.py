"""Schemas of the SSE query string and of the WebSocket actions."""

from marshmallow import Schema, fields, validate

from pulseguard.api.fields import Choice, Id, IdList, Timestamp
from pulseguard.models import Health


def id_list():
    """A JSON list of server ids."""
    return fields.List(
        Id(strict=True),
        validate=validate.Length(max=10000),
    )


class EventQuerySchema(Schema):
    status = Choice(Health, metadata={"description": "Only servers with this current status."})
    server_id = IdList(metadata={"description": "Only these servers: `1,2`."})
    since = Timestamp(
        metadata={"description": "Snapshot only what changed at or after this ISO 8601 time."}
    )
    limit = fields.Integer(
        load_default=50,
        validate=validate.Range(min=1, max=500),
        metadata={"description": "How many of the latest results to send first (max 500)."},
    )
    token = fields.String(
        load_only=True, metadata={"description": "The JWT, when a header cannot be set."}
    )


class LatestSchema(Schema):
    server_ids = id_list()
    query = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(strict=True, load_default=20, validate=validate.Range(min=1, max=500))


class SubscribeSchema(Schema):
    server_ids = id_list()
    query = fields.String(validate=validate.Length(max=200))


class UnsubscribeSchema(Schema):
    server_ids = id_list()
