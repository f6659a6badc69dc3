"""Maintenance window schemas: the contract's field table; schedules are checked by their parser."""

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from pulseguard import schedules
from pulseguard.api.fields import Choice, Id, Key, Timestamp
from pulseguard.models.types import utcnow
from pulseguard.schedules.words import describe

SCHEDULE_DOC = (
    "One of four forms, chosen by `type`: `once` (`start`, `end`), `cron` (`expression`, "
    "`timezone`, `duration` in seconds, optional `starts_on`/`ends_on` dates), `rrule` (`rrule`: "
    "an RFC 5545 RRULE without DTSTART, `dtstart`: naive local `YYYY-MM-DDTHH:MM`, `timezone`, "
    "`duration`) or `manual` (active only between start/ and stop/). A start inside a DST gap "
    "moves to the first valid instant; an ambiguous one takes the first occurrence."
)


class ScheduleSchema(Schema):
    type = Choice(schedules.FORMS, required=True)
    start = fields.Str(metadata={"description": "once: ISO 8601"})
    end = fields.Str(metadata={"description": "once: ISO 8601, after start, in the future"})
    expression = fields.Str(metadata={"description": "cron: 5 fields (cronsim)"})
    timezone = fields.Str(metadata={"description": "cron, rrule: IANA name (default UTC)"})
    duration = fields.Raw(metadata={"description": "cron, rrule: seconds, 60..2678400"})
    starts_on = fields.Str(allow_none=True, metadata={"description": "cron: first date"})
    ends_on = fields.Str(allow_none=True, metadata={"description": "cron: last date"})
    rrule = fields.Str(metadata={"description": "rrule: e.g. FREQ=MONTHLY;BYDAY=1WE;BYHOUR=19"})
    dtstart = fields.Str(metadata={"description": "rrule: local YYYY-MM-DDTHH:MM"})

    @validates_schema
    def parses(self, data, **kwargs):
        try:
            data["_parsed"] = schedules.parse(data, utcnow())
        except schedules.ScheduleError as error:
            raise ValidationError({error.field: [error.message]}) from None

    @post_load
    def normalise(self, data, **kwargs):
        return data.pop("_parsed").to_spec()


class OccurrenceSchema(Schema):
    start = Timestamp()
    end = Timestamp(allow_none=True, metadata={"description": "null: until stopped"})


def occurrence(value):
    return None if value is None else {"start": value[0], "end": value[1]}


class MaintenanceWindowSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    key = Key(
        "Unique among your windows; config as code matches by it. Default: made from the name "
        "(`sunday-patching`, then `sunday-patching-2`); kept when omitted on an update.",
        load_default=None,
    )
    description = fields.Str(load_default="", validate=validate.Length(max=5000))
    schedule = fields.Nested(ScheduleSchema, required=True, metadata={"description": SCHEDULE_DOC})
    servers = fields.List(Id(), attribute="server_ids", load_default=list)
    tags = fields.List(
        fields.Str(validate=validate.Length(min=1, max=50)),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "matched when each check runs: a server tagged later is covered"},
    )
    tag_match = Choice(("any", "all"), load_default="any")
    all_servers = fields.Bool(load_default=False)
    checks = Choice(
        ("run", "skip"),
        load_default="run",
        metadata={
            "description": "run: probes go on, results marked in_maintenance; skip: no probes "
            "(push pings are still stored, marked in_maintenance)"
        },
    )
    uptime = Choice(("exclude", "count_as_up", "measure"), load_default="exclude")
    notify_start_end = fields.Bool(load_default=False)
    status_pages = fields.List(Id(), load_default=list)
    enabled = fields.Bool(load_default=True)
    summary = fields.Method(
        "_summary",
        dump_only=True,
        metadata={"type": "string", "description": "the schedule in words"},
    )
    state = fields.Method("_state", dump_only=True)
    current = fields.Method("_current", dump_only=True)
    next = fields.Method("_next", dump_only=True)
    occurrences = fields.Method(
        "_occurrences", dump_only=True, metadata={"description": "the next 5 occurrences"}
    )
    owner = fields.Int(attribute="owner_id", dump_only=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)

    def _summary(self, window):
        return describe(window.schedule)

    def _state(self, window):
        return window.state()

    def _current(self, window):
        held = window.current()
        return OccurrenceSchema().dump(occurrence(held)) if held else None

    def _next(self, window):
        upcoming = window.upcoming(count=1)
        return OccurrenceSchema().dump(occurrence(upcoming[0])) if upcoming else None

    def _occurrences(self, window):
        return OccurrenceSchema(many=True).dump([occurrence(o) for o in window.upcoming(count=5)])


class WindowQuerySchema(Schema):
    state = Choice(("scheduled", "active", "ended", "disabled"))
    server_id = Id()
    tag = fields.Str(validate=validate.Length(min=1, max=50))


class StartSchema(Schema):
    duration = fields.Int(validate=validate.Range(60, 2678400))
    until = Timestamp()

    @validates_schema
    def one_of(self, data, **kwargs):
        if "duration" in data and "until" in data:
            raise ValidationError("Give either duration or until, not both.", "until")
        if "until" in data and data["until"] <= utcnow():
            raise ValidationError("Must be in the future.", "until")


class OccurrenceQuerySchema(Schema):
    from_ = Timestamp(data_key="from")
    to = Timestamp()


class ServerMaintenanceSchema(Schema):
    windows = fields.List(fields.Nested(MaintenanceWindowSchema))
    active = fields.Bool()
