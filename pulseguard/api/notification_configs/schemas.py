"""NotificationConfig schemas and per-channel recipient validation."""

import re
from urllib.parse import urlsplit

from flask import current_app
from marshmallow import Schema, fields, validate

from pulseguard.api.fields import Choice, Id, IdList
from pulseguard.checks.guard import guard_of
from pulseguard.models import Channel

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
E164 = re.compile(r"^\+[1-9]\d{1,14}$")

RECIPIENT_RULES = {
    Channel.EMAIL: (EMAIL, "Must be an email address, like ops@example.com."),
    Channel.WEBHOOK: (URL, "Must be an http(s) URL, like https://hooks.example.com/pulse."),
    Channel.SMS: (E164, "Must be an E.164 phone number, like +15551234567."),
}


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
    server = Id(attribute="server_id", required=True)
    notification_type = Choice(Channel, required=True)
    recipient = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    enabled = fields.Bool(load_default=True)
    notify_on_failure = fields.Bool(load_default=True)
    notify_on_recovery = fields.Bool(load_default=True)
    reminder_minutes = fields.Int(
        allow_none=True, load_default=None, validate=validate.Range(min=1, max=10080)
    )


class NotificationConfigQuerySchema(Schema):
    server_id = IdList()
