"""StatusChange schemas."""

from marshmallow import Schema, fields

from pulseguard.api.fields import Choice, IdList, Timestamp
from pulseguard.models import Health


class StatusChangeSchema(Schema):
    id = fields.Int(dump_only=True)
    server = fields.Int(attribute="server_id", dump_only=True)
    old_status = fields.Str(dump_only=True)
    new_status = fields.Str(dump_only=True)
    message = fields.Str(dump_only=True)
    created_at = Timestamp(dump_only=True)


class StatusChangeQuerySchema(Schema):
    server_id = IdList()
    new_status = Choice(Health)
    since = Timestamp()
    until = Timestamp()
