"""NotificationDelivery schemas."""

from marshmallow import Schema, fields

from pulseguard.api.fields import Choice, IdList, Timestamp

EVENTS = (
    "failure", "degraded", "recovery", "reminder", "test", "disabled",
    "maintenance", "incident_update", "cert_expiring",
)  # fmt: skip
OUTCOMES = ("sending", "sent", "retrying", "failed", "interrupted")


class NotificationDeliverySchema(Schema):
    id = fields.Int(dump_only=True)
    config = fields.Int(attribute="config_id", dump_only=True)
    server = fields.Int(attribute="server_id", dump_only=True, allow_none=True)
    status_change = fields.Int(attribute="status_change_id", dump_only=True, allow_none=True)
    incident = fields.Int(
        attribute="incident_id",
        dump_only=True,
        allow_none=True,
        metadata={"description": "The incident the message was about"},
    )
    event = fields.Str(dump_only=True, metadata={"enum": list(EVENTS)})
    attempt = fields.Int(dump_only=True)
    outcome = fields.Str(
        dump_only=True,
        metadata={
            "enum": list(OUTCOMES),
            "description": "interrupted: the worker stopped mid-attempt (killed) and the next "
            "attempt was made after NOTIFY_STALL_S, for status changes and announcements alike; "
            "a delivery whose worker stopped before its attempt was recorded is not resumed "
            "(README, Notifications)",
        },
    )
    status = fields.Str(
        dump_only=True, allow_none=True, metadata={"enum": ["success", "failure", "timeout"]}
    )
    error = fields.Str(
        dump_only=True, allow_none=True, metadata={"description": "The provider's own answer"}
    )
    duration_ms = fields.Float(dump_only=True, allow_none=True)
    created_at = Timestamp(dump_only=True)


class NotificationDeliveryQuerySchema(Schema):
    config_id = IdList()
    server_id = IdList()
    event = Choice(EVENTS)
    outcome = Choice(OUTCOMES)
