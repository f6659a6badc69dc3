"""Server schemas: the contract's field table and its validation rules."""

import ipaddress
import re

from flask import current_app, url_for
from marshmallow import Schema, ValidationError, fields, validate

from pulseguard import kinds
from pulseguard.api.fields import Choice, Timestamp
from pulseguard.api.notification_configs.schemas import NotificationConfigSchema
from pulseguard.checks.guard import guard_of
from pulseguard.models import MonitoringState
from pulseguard.models.server_key import KEY_PATTERN
from pulseguard.pages.badge_figures import METRICS as BADGE_METRICS

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$",
    re.IGNORECASE,
)


def validate_host(value):
    """Accept a hostname or an IP address the guard allows; no scheme, port or path."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        pass
    else:
        if refusal := guard_of(current_app.config).refusal(value):
            raise ValidationError(refusal)
        return
    if not HOSTNAME.match(value):
        raise ValidationError("Must be a hostname or IP address, without scheme, port or path.")


def not_blank(value: str) -> None:
    """A name must hold a non-space character (said in the field's error, not as a pattern)."""
    if not value.strip():
        raise ValidationError("Must contain a non-space character.")


class ServerFields(Schema):
    """The fields every kind of server has (the kinds add theirs: see ServerSchema)."""

    id = fields.Int(dump_only=True)
    name = fields.Str(
        required=True,
        validate=[
            validate.Length(min=1, max=200),
            not_blank,  # a function, not a Regexp: no `pattern` for schemathesis to fail on
        ],
    )
    key = fields.Str(
        load_default=None,
        validate=validate.Regexp(
            KEY_PATTERN, error="Use 1 to 100 lowercase letters, digits, - and _ (not first)."
        ),
        metadata={
            "description": "Stable per owner (config as code, push URLs). Default: made from "
            "the name (`web-1`, then `web-1-2`); kept when omitted on an update."
        },
    )
    protocol = Choice(kinds.names(), load_default=kinds.names()[0])
    # Required by every kind but push (see apply() in routes.py): a push server has no host.
    host = fields.Str(allow_none=True, load_default=None, validate=validate_host)
    port = fields.Int(allow_none=True, load_default=None, validate=validate.Range(1, 65535))
    check_interval = fields.Int(
        attribute="check_interval_s", load_default=60, validate=validate.Range(10, 86400)
    )
    timeout = fields.Float(
        attribute="timeout_s", load_default=10.0, validate=validate.Range(0.1, 60)
    )
    status = Choice(
        MonitoringState, attribute="monitoring_state", load_default=MonitoringState.ACTIVE.value
    )
    tags = fields.List(
        fields.Str(validate=validate.Length(min=1, max=50)),
        load_default=list,
        validate=validate.Length(max=50),
    )
    notifications = fields.List(fields.Nested(NotificationConfigSchema), dump_only=True)
    owner = fields.Int(attribute="owner_id", dump_only=True)
    degraded_threshold_ms = fields.Int(
        allow_none=True, load_default=None, validate=validate.Range(1, 600000)
    )
    failure_threshold = fields.Int(load_default=1, validate=validate.Range(1, 100))
    tls_expires_at = Timestamp(dump_only=True)
    badges_enabled = fields.Bool(
        load_default=False, metadata={"description": "Serve this server's public badges."}
    )
    badge_key = fields.Str(
        dump_only=True, metadata={"description": "The random key in the badge URLs."}
    )
    badge_urls = fields.Method(
        "_badge_urls", dump_only=True, metadata={"description": "null while badges are off."}
    )
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)

    def _badge_urls(self, server):
        if not getattr(server, "badges_enabled", False):
            return None
        return {
            metric: {
                fmt: url_for("public_pages.server_badge", badge_key=server.badge_key,
                             metric=metric, fmt=fmt, _external=True)
                for fmt in ("svg", "json")
            }
            for metric in BADGE_METRICS
        }  # fmt: skip


# The common fields and every kind's own (a kind's schema is its API fields: pulseguard/kinds).
ServerSchema = type(
    "ServerSchema",
    (ServerFields, *dict.fromkeys(k.settings for k in kinds.KINDS.values() if k.settings)),
    {"__doc__": "A monitored server: the common fields and those of every kind."},
)


class ServerQuerySchema(Schema):
    status = Choice(MonitoringState)
    tag = fields.Str(validate=validate.Length(min=1, max=50))
    q = fields.Str(validate=validate.Length(min=1, max=200))
    protocol = Choice(kinds.names())
