"""Schemas of the dashboard aggregates."""

from marshmallow import Schema, fields, validate

from pulseguard.api.fields import Choice, Timestamp
from pulseguard.models import Health, MonitoringState

PAUSED = MonitoringState.PAUSED.value  # what the overview shows for servers not active
MAINTENANCE = "maintenance"  # what it shows while a window covers one (as REST server-status)
DISPLAY_STATUSES = (*Health, MAINTENANCE, PAUSED)
SORTS = ("status", "name", "-name", "response_time", "-response_time", "last_check", "-last_check")


class OverviewQuerySchema(Schema):
    status = Choice(DISPLAY_STATUSES)
    tag = fields.Str(validate=validate.Length(min=1, max=50))
    q = fields.Str(validate=validate.Length(min=1, max=200))
    sort = Choice(SORTS, load_default="status")
    maintenance = fields.Bool(
        metadata={"description": "true: only servers in maintenance now; false: only the others"}
    )


class SummaryQuerySchema(Schema):
    tag = fields.Str(validate=validate.Length(min=1, max=50))
    q = fields.Str(validate=validate.Length(min=1, max=200))


class StripResultSchema(Schema):
    status = fields.Str(metadata={"description": "success, failure, timeout or error"})
    at = Timestamp()
    response_time = fields.Float(allow_none=True)
    maintenance = fields.Bool(metadata={"description": "checked during a maintenance window"})


class OverviewRowSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    protocol = fields.Str()
    host = fields.Str()
    port = fields.Int(allow_none=True)
    path = fields.Str()
    tags = fields.List(fields.Str())
    monitoring = fields.Str(metadata={"description": "active, paused or maintenance"})
    status = fields.Str(
        metadata={
            "description": "up, down, degraded or unknown; `maintenance` while a maintenance "
            "window covers an active server (`checks: run` or `skip`, as "
            "`/api/server-status/` says; `measured_status` is what the checks find); `paused` "
            "when its owner paused it or set it to maintenance (see `monitoring`)"
        }
    )
    measured_status = fields.Str(
        metadata={"description": "what the checks find, as in /api/server-status/ (= health)"}
    )
    health = fields.Str(metadata={"description": "the last checked health, even when paused"})
    in_maintenance = fields.Bool(
        metadata={"description": "a maintenance window covers it now, or it is set to maintenance"}
    )
    message = fields.Str()
    last_check = Timestamp(allow_none=True)
    response_time = fields.Float(allow_none=True)
    uptime = fields.Dict(keys=fields.Str(), values=fields.Float(allow_none=True))
    changed_at = Timestamp(allow_none=True)
    recent = fields.List(
        fields.Nested(StripResultSchema),
        metadata={"description": "the last 30 results, oldest first (the overview's strip)"},
    )


class SummarySchema(Schema):
    total = fields.Int()
    counts = fields.Dict(keys=fields.Str(), values=fields.Int())
    maintenance = fields.Int(
        metadata={"description": "how many of these servers are in maintenance now"}
    )
    open_incidents = fields.Int(
        metadata={"description": "your open incidents (automatic and manual), whatever the filters"}
    )
    tags = fields.List(fields.Str(), metadata={"description": "every tag in use, sorted"})


class WindowQuerySchema(Schema):
    window = Choice(("1h", "24h", "7d"), load_default="1h")


class BucketSchema(Schema):
    start = Timestamp()
    checks = fields.Int()
    failures = fields.Int()
    avg_response_time = fields.Float(allow_none=True)
    min_response_time = fields.Float(allow_none=True)
    max_response_time = fields.Float(allow_none=True)


class ResponseTimesSchema(Schema):
    server = fields.Int()
    window = fields.Str()
    bucket_seconds = fields.Int()
    start = Timestamp()
    end = Timestamp()
    buckets = fields.List(fields.Nested(BucketSchema))
