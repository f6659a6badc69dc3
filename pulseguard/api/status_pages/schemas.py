"""Status page schemas: §4's field table and its validation rules."""

import zoneinfo
from functools import cache
from urllib.parse import urlsplit

from flask import url_for
from marshmallow import Schema, ValidationError, fields, validate

from pulseguard.api.fields import Choice, Id, Timestamp

SLUG = r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$"
RESERVED = {"api", "admin", "static", "assets", "login", "new", "feed"}
# zoneinfo knows the old names too; they are stored under their current one.
LEGACY_ZONES = {"Europe/Kiev": "Europe/Kyiv", "Asia/Calcutta": "Asia/Kolkata",
                "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Katmandu": "Asia/Kathmandu"}  # fmt: skip


def validate_slug(value):
    if value in RESERVED:
        raise ValidationError(f"'{value}' is reserved.")


def validate_https_url(value):
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError("Must be an https URL.")


@cache
def zone_names() -> frozenset[str]:
    """Return the IANA names zoneinfo knows (read from disk once)."""
    return frozenset(zoneinfo.available_timezones())


class TimeZone(fields.String):
    """An IANA time zone name; legacy names are stored under their current one."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        name = LEGACY_ZONES.get(name, name)
        if name not in zone_names():
            raise ValidationError("Not a valid IANA time zone.")
        return name


class PageServerSchema(Schema):
    server = Id(required=True)
    display_name = fields.Str(validate=validate.Length(min=1, max=100))


class PageGroupSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    servers = fields.List(
        fields.Nested(PageServerSchema), load_default=list, validate=validate.Length(max=200)
    )


class StatusPageSchema(Schema):
    """A status page: what it shows, to whom (once published), in which time zone."""

    id = fields.Int(dump_only=True)
    slug = fields.Str(
        required=True,
        validate=[validate.Length(1, 64), validate.Regexp(SLUG), validate_slug],
        metadata={"description": "Unique across all users; lowercase letters, digits, dashes."},
    )
    title = fields.Str(required=True, validate=validate.Length(1, 200))
    description = fields.Str(
        load_default="",
        validate=validate.Length(max=5000),
        metadata={"description": "Markdown; rendered and sanitized on the public page."},
    )
    published = fields.Bool(load_default=False)
    timezone = TimeZone(load_default="UTC", metadata={"description": "Where the bars' days begin."})
    groups = fields.List(
        fields.Nested(PageGroupSchema), load_default=list, validate=validate.Length(max=50)
    )
    show_uptime = fields.Bool(load_default=True)
    show_bars = fields.Bool(load_default=True)
    show_incidents = fields.Bool(load_default=True)
    show_maintenance = fields.Bool(load_default=True)
    show_response_time = fields.Bool(load_default=False)
    show_cert_expiry = fields.Bool(load_default=False)
    show_hostnames = fields.Bool(
        load_default=False,
        metadata={"description": "The host name only: never a port, path, query or IP address."},
    )
    bar_days = fields.Int(load_default=90, validate=validate.OneOf([30, 60, 90]))
    refresh_seconds = fields.Int(load_default=60, validate=validate.Range(30, 3600))
    footer_text = fields.Str(load_default="", validate=validate.Length(max=500))
    logo_url = fields.Str(
        allow_none=True,
        load_default=None,
        validate=[validate.Length(max=2000), validate_https_url],
        metadata={"description": "Shown by the visitor's browser; PulseGuard never fetches it."},
    )
    theme = Choice(("auto", "light", "dark"), load_default="auto")
    public_url = fields.Method("_public_url", dump_only=True)
    feed_urls = fields.Method("_feed_urls", dump_only=True)
    badge_url = fields.Method("_badge_url", dump_only=True)
    owner = fields.Int(attribute="owner_id", dump_only=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)

    def _public_url(self, page):
        return url_for("status_html.page", slug=page.slug, _external=True)

    def _feed_urls(self, page):
        return {
            kind: url_for(f"status_html.feed_{kind}", slug=page.slug, _external=True)
            for kind in ("atom", "rss")
        }

    def _badge_url(self, page):
        return url_for("public_pages.page_badge", slug=page.slug, fmt="svg", _external=True)
