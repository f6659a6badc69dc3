"""Server schemas: the contract's field table and its validation rules."""

import ipaddress
import re

from marshmallow import Schema, ValidationError, fields, validate

from pulseguard.api.fields import Choice, Timestamp
from pulseguard.api.notification_configs.schemas import NotificationConfigSchema
from pulseguard.models import MonitoringState, Protocol

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$",
    re.IGNORECASE,
)
STATUS_SPEC = re.compile(r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$")
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,200}$")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def validate_host(value):
    """Accept a hostname or an IP address; no scheme, port or path."""
    try:
        ipaddress.ip_address(value)
        return
    except ValueError:
        pass
    if not HOSTNAME.match(value):
        raise ValidationError("Must be a hostname or IP address, without scheme, port or path.")


def validate_path(value):
    if not value.startswith("/") or any(c.isspace() for c in value):
        raise ValidationError("Must start with / and contain no spaces.")


def parse_expected_status(spec):
    """Return the (low, high) code ranges of a spec like "200-399" or "200,204"."""
    spec = spec.replace(" ", "")
    if not STATUS_SPEC.match(spec):
        raise ValidationError('Use codes and ranges like "200-399" or "200,204".')
    ranges = []
    for part in spec.split(","):
        low, _, high = part.partition("-")
        low, high = int(low), int(high or low)
        if not 100 <= low <= high <= 599:
            raise ValidationError(f"{part} is not a range of HTTP codes (100-599).")
        ranges.append((low, high))
    return ranges


def validate_headers(headers):
    for name, value in headers.items():
        if not HEADER_NAME.match(name):
            raise ValidationError(f"{name!r} is not a valid header name.")
        if "\r" in value or "\n" in value or len(value) > 4000:
            raise ValidationError(f"The value of {name} must be one line of at most 4000 chars.")


class ServerSchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    protocol = Choice(Protocol, load_default=Protocol.HTTPS.value)
    host = fields.Str(required=True, validate=validate_host)
    port = fields.Int(allow_none=True, load_default=None, validate=validate.Range(1, 65535))
    path = fields.Str(load_default="/", validate=[validate.Length(max=2000), validate_path])
    check_interval = fields.Int(
        attribute="check_interval_s", load_default=60, validate=validate.Range(10, 86400)
    )
    timeout = fields.Float(
        attribute="timeout_s", load_default=10.0, validate=validate.Range(0.1, 60)
    )
    status = Choice(MonitoringState, load_default=MonitoringState.ACTIVE.value)
    tags = fields.List(
        fields.Str(validate=validate.Length(min=1, max=50)),
        load_default=list,
        validate=validate.Length(max=50),
    )
    notifications = fields.List(fields.Nested(NotificationConfigSchema), dump_only=True)
    owner = fields.Int(attribute="owner_id", dump_only=True)
    method = Choice(METHODS, load_default="GET")
    expected_status = fields.Str(
        load_default="200-399", validate=[validate.Length(max=100), parse_expected_status]
    )
    keyword = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=1000))
    headers = fields.Dict(
        keys=fields.Str(), values=fields.Str(), load_default=dict, validate=validate_headers
    )
    verify_tls = fields.Bool(load_default=True)
    follow_redirects = fields.Bool(load_default=True)
    degraded_threshold_ms = fields.Int(
        allow_none=True, load_default=None, validate=validate.Range(1, 600000)
    )
    failure_threshold = fields.Int(load_default=1, validate=validate.Range(1, 100))
    tls_expires_at = Timestamp(dump_only=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)


class ServerQuerySchema(Schema):
    status = Choice(MonitoringState)
    tag = fields.Str(validate=validate.Length(min=1, max=50))
    q = fields.Str(validate=validate.Length(min=1, max=200))
    protocol = Choice(Protocol)
