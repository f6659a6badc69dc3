"""PingResult schemas."""

from marshmallow import Schema, fields

from pulseguard.api.fields import Choice, IdList, Timestamp
from pulseguard.models import CheckOutcome


class PingResultSchema(Schema):
    id = fields.Int(dump_only=True)
    server = fields.Int(attribute="server_id", dump_only=True)
    status = fields.Str(attribute="outcome", dump_only=True)
    response_time = fields.Float(attribute="response_time_ms", dump_only=True, allow_none=True)
    status_code = fields.Int(dump_only=True, allow_none=True)
    error_message = fields.Str(dump_only=True, allow_none=True)
    check_timestamp = Timestamp(attribute="checked_at", dump_only=True)
    kind = fields.Function(lambda ping: ping.kind or "check", dump_only=True)
    in_maintenance = fields.Bool(dump_only=True)
    details = fields.Dict(dump_only=True, allow_none=True)
    assertions = fields.List(fields.Dict(), dump_only=True, allow_none=True)


class PingResultQuerySchema(Schema):
    server_id = IdList()
    status = Choice(CheckOutcome)
    since = Timestamp()
    until = Timestamp()
