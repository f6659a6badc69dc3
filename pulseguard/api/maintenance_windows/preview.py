"""POST /api/maintenance-windows/preview/: a schedule in words and its next occurrences, unsaved.

The dashboard's form shows this while the schedule is typed; the same checks as a save answer
422 under `schedule.<field>`, so a mistake shows before anything is stored.
"""

from marshmallow import Schema, fields

from pulseguard import schedules
from pulseguard.api.maintenance_windows import blp
from pulseguard.api.maintenance_windows.schemas import (
    SCHEDULE_DOC,
    OccurrenceSchema,
    ScheduleSchema,
    occurrence,
)
from pulseguard.models.types import utcnow
from pulseguard.schedules.words import describe


class PreviewSchema(Schema):
    schedule = fields.Nested(ScheduleSchema, required=True, metadata={"description": SCHEDULE_DOC})


class PreviewAnswerSchema(Schema):
    schedule = fields.Dict(metadata={"description": "the schedule as it would be stored"})
    summary = fields.Str(metadata={"description": "the schedule in words (English)"})
    occurrences = fields.List(
        fields.Nested(OccurrenceSchema), metadata={"description": "the next 5 occurrences"}
    )


@blp.route("/maintenance-windows/preview/", methods=["POST"])
@blp.arguments(PreviewSchema)
@blp.response(200, PreviewAnswerSchema)
def preview_schedule(data):
    """Check a schedule without saving it: its words and next 5 occurrences (a write key)."""
    spec = data["schedule"]
    upcoming = schedules.parse(spec, validate=False).upcoming(utcnow(), 5)
    return {
        "schedule": spec,
        "summary": describe(spec),
        "occurrences": [occurrence(o) for o in upcoming],
    }
