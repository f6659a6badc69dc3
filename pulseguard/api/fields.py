"""Schema fields and validators shared by several resources."""

from datetime import UTC

from marshmallow import ValidationError, fields, missing, validate
from werkzeug.routing import IntegerConverter

from pulseguard.models.server_key import KEY_PATTERN
from pulseguard.security import may_see_capabilities

# Ids fit their columns (32-bit; 64-bit for check results): a larger number is "not found" or
# invalid, never a database overflow.
MAX_ID = 2**31 - 1
MAX_BIG_ID = 2**63 - 1


def Id(**kwargs):  # noqa: N802 - a field factory reads like a field class
    """A positive id."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class IdRouteConverter(IntegerConverter):
    """The <int:...> URL converter, bounded to the id columns so huge numbers are plain 404s."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits, min, max, signed)


class IdList(fields.Field):
    """A comma-separated list of ids in a query string: ``1,2,3``."""

    def _deserialize(self, value, attr, data, **kwargs):
        parts = [p.strip() for p in str(value).split(",") if p.strip()]
        try:
            ids = [int(p) for p in parts]
        except ValueError:
            raise ValidationError("Must be a comma-separated list of integer ids.") from None
        if not ids or len(ids) > 1000 or any(not 1 <= i <= MAX_ID for i in ids):
            raise ValidationError("Must list between 1 and 1000 positive ids.")
        return ids


def Key(description: str, **kwargs):  # noqa: N802
    """A stable key (config as code matches by it): `^[a-z0-9][a-z0-9_-]{0,99}$`."""
    error = "Use 1 to 100 lowercase letters, digits, - and _ (not first)."
    return fields.String(
        validate=validate.Regexp(KEY_PATTERN, error=error),
        metadata={"description": description},
        **kwargs,
    )


def Timestamp(**kwargs):  # noqa: N802
    """An ISO 8601 timestamp; naive input is taken as UTC."""
    return fields.AwareDateTime(default_timezone=UTC, **kwargs)


def Choice(values, **kwargs):  # noqa: N802
    """A string that must be one of the given values."""
    return fields.String(validate=validate.OneOf([str(v) for v in values]), **kwargs)


class CapabilityMixin:
    """Make a field a write capability (a push token, a badge key, a URL that holds one).

    Answers to read-only API keys (and anonymous requests) leave it out: the one rule, kept in
    `security.may_see_capabilities`. Declare such fields as `Capability()`, or mix this into
    another field class (`class CapabilityUrl(CapabilityMixin, fields.Method)`).
    """

    def serialize(self, attr, obj, accessor=None, **kwargs):
        if not may_see_capabilities():
            return missing
        return super().serialize(attr, obj, accessor, **kwargs)  # type: ignore[misc]


class Capability(CapabilityMixin, fields.String):
    """A string that is a write capability (omitted from the answers to read-only API keys)."""

    def __init__(self, **kwargs):
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("description", "Omitted from the answers to read-only API keys.")
        super().__init__(dump_only=True, metadata=metadata, **kwargs)
