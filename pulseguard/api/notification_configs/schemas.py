"""NotificationConfig schemas: per-type recipients, events, options, and what is never answered."""

import re
from urllib.parse import urlsplit

from flask import current_app
from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema

from pulseguard.api.fields import Choice, Id, IdList, Key
from pulseguard.checks.guard import guard_of
from pulseguard.models import Channel
from pulseguard.notify.channels import MASKED, mask
from pulseguard.notify.events import EVENTS, events_of

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
E164 = re.compile(r"^\+[1-9]\d{1,14}$")

RECIPIENT_RULES = {
    Channel.EMAIL: (EMAIL, "Must be an email address, like ops@example.com."),
    Channel.WEBHOOK: (URL, "Must be an http(s) URL, like https://hooks.example.com/pulse."),
    Channel.SMS: (E164, "Must be an E.164 phone number, like +15551234567."),
}
SECRET_OPTIONS = ("api_key",)


class OptionsSchema(Schema):
    """Per-type settings; each applies to one type and is ignored by the others."""

    priority = fields.Int(validate=validate.Range(1, 5), metadata={"description": "ntfy: 1..5"})
    api_key = fields.Str(
        load_only=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "pagerduty: the REST API key (write-only)"},
    )
    severity = Choice(
        ("info", "warning", "error", "critical"),
        metadata={"description": "pagerduty: the alert's severity"},
    )
    silent = fields.Bool(metadata={"description": "telegram: deliver without a sound"})


def recipient_error(notification_type, recipient):
    """Return why the recipient does not suit the channel, or None."""
    pattern, message = RECIPIENT_RULES[notification_type]
    if not pattern.match(recipient or ""):
        return message
    if notification_type == Channel.WEBHOOK:
        try:
            host = urlsplit(recipient).hostname or ""
        except ValueError:
            return message
        return guard_of(current_app.config).refusal(host)
    return None


class NotificationConfigSchema(Schema):
    id = fields.Int(dump_only=True)
    server = Id(
        attribute="server_id",
        required=True,
        allow_none=True,
        metadata={"description": "The server, or null for every server of the owner (see tags)"},
    )
    owner = fields.Int(attribute="owner_id", dump_only=True)
    name = fields.Str(allow_none=True, validate=validate.Length(min=1, max=100))
    key = Key(
        "Unique among the server's configs (or your configs for every server); config as code "
        "matches by it. Default: made from the name or the type (`slack`, then `slack-2`); "
        "kept when omitted on an update.",
        load_default=None,
    )
    notification_type = Choice(Channel, required=True)
    recipient = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={
            "description": "Per type (see API-NEXT §6). Answered masked for every type but email "
            "and sms; sending the masked value back keeps the stored one."
        },
    )
    recipient_masked = fields.Method("is_masked", dump_only=True)
    enabled = fields.Bool(load_default=True)
    disabled_reason = fields.Str(dump_only=True, allow_none=True)
    events = fields.List(
        Choice(EVENTS),
        validate=validate.Length(max=len(EVENTS)),
        metadata={"description": "Default: down and recovery"},
    )
    notify_on_failure = fields.Bool(metadata={"description": "Alias of `down` in events"})
    notify_on_recovery = fields.Bool(metadata={"description": "Alias of `recovery` in events"})
    tags = fields.List(
        fields.Str(validate=validate.Length(min=1, max=50)),
        validate=validate.Length(max=50),
        metadata={"description": "Owner-wide configs only: servers with at least one of these"},
    )
    options = fields.Nested(OptionsSchema)
    secret = fields.Str(
        load_only=True,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "webhook: signs each body (HMAC-SHA256); write-only, "
                  "null or \"\" clears it"},
    )  # fmt: skip
    secret_set = fields.Method("has_secret", dump_only=True)
    reminder_minutes = fields.Int(allow_none=True, validate=validate.Range(min=1, max=10080))
    reminder_interval = fields.Int(
        validate=lambda minutes: minutes == 0 or 5 <= minutes <= 10080 or _bad_interval(),
        metadata={"description": "Minutes between reminders, 0 (off) or 5..10080"},
    )
    max_reminders = fields.Int(validate=validate.Range(0, 100))
    consecutive_failures = fields.Int(dump_only=True)

    def is_masked(self, config) -> bool:
        return config.notification_type in MASKED

    def has_secret(self, config) -> bool:
        return bool(config.secret or (config.options or {}).get("api_key"))

    @post_dump(pass_original=True)
    def derive(self, row, config, **kwargs):
        """Answer the masked recipient, and the events with their two aliases in step."""
        row["recipient"] = mask(config.notification_type, config.recipient)
        row["events"] = events_of(config)
        row["notify_on_failure"] = "down" in row["events"]
        row["notify_on_recovery"] = "recovery" in row["events"]
        row["reminder_interval"] = config.reminder_minutes or 0
        row["tags"] = config.tags or []
        options = config.options or {}
        row["options"] = {k: v for k, v in options.items() if k not in SECRET_OPTIONS}
        return row

    @validates_schema
    def check_reminders(self, data, **kwargs):
        # Both may come back from a GET (a round trip) when they agree: 0 is "none".
        both = "reminder_interval" in data and "reminder_minutes" in data
        if both and data["reminder_interval"] != (data["reminder_minutes"] or 0):
            message = "Give reminder_interval or reminder_minutes, not both (unless equal)."
            raise ValidationError(message, "reminder_interval")


def _bad_interval():
    raise ValidationError("Must be 0 (no reminders) or between 5 and 10080 minutes.")


class TestResultSchema(Schema):
    ok = fields.Bool(required=True)
    status = Choice(("success", "failure", "timeout"), required=True)
    error = fields.Str(allow_none=True, metadata={"description": "The provider's own answer"})
    duration_ms = fields.Float(allow_none=True)
    delivery = fields.Int(
        allow_none=True, metadata={"description": "The recorded attempt (saved configs only)"}
    )


class NotificationConfigQuerySchema(Schema):
    server_id = IdList()
