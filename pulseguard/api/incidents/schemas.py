"""Incident schemas (automatic incidents; manual ones and updates are not built yet)."""

from marshmallow import Schema, fields, validate

from pulseguard.api.fields import Choice, IdList, Timestamp
from pulseguard.models.types import utcnow


class UserRefSchema(Schema):
    id = fields.Int()
    username = fields.Str()


class IncidentSchema(Schema):
    id = fields.Int(dump_only=True)
    kind = fields.Str(dump_only=True)
    server = fields.Int(attribute="server_id", dump_only=True, allow_none=True)
    title = fields.Str(dump_only=True)
    severity = fields.Str(dump_only=True, metadata={"description": "degraded | down: the worst"})
    state = fields.Str(dump_only=True, metadata={"description": "open | resolved"})
    current_status = fields.Str(dump_only=True)
    cause = fields.Str(
        dump_only=True, metadata={"description": "the first failing result's message"}
    )
    cause_category = fields.Str(dump_only=True)
    started_at = Timestamp(dump_only=True, metadata={"description": "the first failing check"})
    detected_at = Timestamp(dump_only=True, metadata={"description": "when the status changed"})
    resolved_at = Timestamp(dump_only=True, allow_none=True)
    end_reason = fields.Str(dump_only=True, allow_none=True)
    duration_seconds = fields.Method("_duration", dump_only=True, allow_none=True)
    ongoing_seconds = fields.Method("_ongoing", dump_only=True, allow_none=True)
    acknowledged_at = Timestamp(dump_only=True, allow_none=True)
    acknowledged_by = fields.Nested(UserRefSchema, dump_only=True, allow_none=True)
    ack_note = fields.Str(dump_only=True)
    public = fields.Bool(dump_only=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)

    def _duration(self, incident):
        if incident.resolved_at is None:
            return None
        return round((incident.resolved_at - incident.started_at).total_seconds(), 3)

    def _ongoing(self, incident):
        if incident.resolved_at is not None:
            return None
        return round((utcnow() - incident.started_at).total_seconds(), 3)


class IncidentQuerySchema(Schema):
    server_id = IdList()
    state = Choice(("open", "resolved"))
    severity = Choice(("degraded", "down"))
    kind = Choice(("auto", "manual"))
    acknowledged = fields.Bool()
    since = Timestamp()
    until = Timestamp()
    q = fields.Str(validate=validate.Length(min=1, max=200))


class AckSchema(Schema):
    note = fields.Str(load_default="", validate=validate.Length(max=5000))
