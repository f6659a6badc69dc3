"""Incident schemas: automatic and manual incidents, their updates, and what may be changed."""

from marshmallow import Schema, fields, pre_dump, validate

from pulseguard.api.fields import Choice, Id, IdList, Timestamp
from pulseguard.models.incident_update import UPDATE_STATUSES
from pulseguard.models.types import utcnow
from pulseguard.monitoring.incident_facts import EMPTY, facts_of

SEVERITIES = ("degraded", "down")


class UserRefSchema(Schema):
    id = fields.Int()
    username = fields.Str()


class IncidentUpdateSchema(Schema):
    id = fields.Int(dump_only=True)
    created_at = Timestamp(dump_only=True)
    author = fields.Nested(UserRefSchema, dump_only=True, allow_none=True)
    message = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=5000),
        metadata={"description": "Markdown"},
    )
    status = Choice(UPDATE_STATUSES, load_default="update")
    public = fields.Bool(
        load_default=False,
        metadata={
            "description": "shown on status pages; a public update makes its incident public"
        },
    )


class PingResultRefSchema(Schema):
    """A result an incident points at: GET /api/ping-results/'s fields, less details."""

    id = fields.Int()
    status = fields.Str()
    response_time = fields.Float(allow_none=True)
    status_code = fields.Int(allow_none=True)
    error_message = fields.Str(allow_none=True)
    check_timestamp = fields.Str()
    kind = fields.Str()
    in_maintenance = fields.Bool()


class IncidentSchema(Schema):
    id = fields.Int(dump_only=True)
    kind = fields.Str(dump_only=True, metadata={"description": "auto | manual"})
    server = fields.Int(
        attribute="server_id",
        dump_only=True,
        allow_none=True,
        metadata={"description": "the server of an automatic incident (null: manual)"},
    )
    servers = fields.List(
        fields.Int(),
        attribute="server_ids",
        dump_only=True,
        metadata={"description": "the servers concerned (an automatic incident: its one)"},
    )
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
    end_reason = fields.Str(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "null: the server recovered (or a manual incident was resolved); "
            "`paused`: resolved when its server was paused (it never reopens; a server resumed "
            "starts as unknown, so one still down opens a new incident at its first check)"
        },
    )
    duration_seconds = fields.Method("_duration", dump_only=True, allow_none=True)
    ongoing_seconds = fields.Method("_ongoing", dump_only=True, allow_none=True)
    acknowledged_at = Timestamp(dump_only=True, allow_none=True)
    acknowledged_by = fields.Nested(UserRefSchema, dump_only=True, allow_none=True)
    ack_note = fields.Str(dump_only=True)
    public = fields.Bool(dump_only=True)
    status_pages = fields.List(fields.Int(), dump_only=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)
    first_result = fields.Nested(
        PingResultRefSchema,
        attribute="facts.first_result",
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "the server's first result of the episode (at started_at); "
            "null for manual incidents and once retention pruned it"
        },
    )
    last_result = fields.Nested(
        PingResultRefSchema,
        attribute="facts.last_result",
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "its latest result up to resolved_at (the recovering check, or the "
            "last before a pause); null for manual incidents"
        },
    )
    notifications_sent = fields.Int(
        attribute="facts.notifications_sent",
        dump_only=True,
        metadata={"description": "deliveries about the incident that reached their channel"},
    )

    @pre_dump(pass_collection=True)
    def _read_facts(self, data, many, **_kwargs):
        incidents = list(data) if many else [data]
        found = facts_of(incidents)
        for incident in incidents:
            incident.facts = found.get(incident.id, EMPTY)
        return data

    def _duration(self, incident):
        if incident.resolved_at is None:
            return None
        return round((incident.resolved_at - incident.started_at).total_seconds(), 3)

    def _ongoing(self, incident):
        if incident.resolved_at is not None:
            return None
        return round((utcnow() - incident.started_at).total_seconds(), 3)


class IncidentDetailSchema(IncidentSchema):
    updates = fields.List(
        fields.Nested(IncidentUpdateSchema),
        dump_only=True,
        metadata={"description": "newest first"},
    )


class ManualIncidentSchema(Schema):
    """A manual incident (an announcement): what POST /api/incidents/ takes."""

    title = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    severity = Choice(SEVERITIES, load_default="degraded")
    servers = fields.List(Id(), load_default=list, validate=validate.Length(max=1000))
    status_pages = fields.List(
        Id(),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={
            "description": "your status pages to announce it on, even naming no server: it "
            "shows there (active, history, feeds) and marks every component's daily bar of "
            "the days it covers when it names none of the page's servers"
        },
    )
    public = fields.Bool(load_default=True)
    message = fields.Str(
        validate=validate.Length(min=1, max=5000),
        metadata={"description": "optional: the first update, with `status` (investigating)"},
    )
    status = Choice(UPDATE_STATUSES, load_default="investigating")


class IncidentPatchSchema(Schema):
    title = fields.Str(validate=validate.Length(min=1, max=200))
    public = fields.Bool()
    severity = Choice(SEVERITIES, metadata={"description": "manual incidents only"})
    servers = fields.List(
        Id(), validate=validate.Length(max=1000), metadata={"description": "manual incidents only"}
    )
    status_pages = fields.List(
        Id(), validate=validate.Length(max=100), metadata={"description": "manual incidents only"}
    )


class IncidentQuerySchema(Schema):
    server_id = IdList()
    state = Choice(("open", "resolved"))
    severity = Choice(SEVERITIES)
    kind = Choice(("auto", "manual"))
    acknowledged = fields.Bool()
    since = Timestamp()
    until = Timestamp()
    q = fields.Str(validate=validate.Length(min=1, max=200))


class AckSchema(Schema):
    note = fields.Str(load_default="", validate=validate.Length(max=5000))
