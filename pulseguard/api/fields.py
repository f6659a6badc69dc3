"""Schema fields and validators shared by several resources."""

from datetime import UTC

from marshmallow import Schema, ValidationError, fields, validate


class IdList(fields.Field):
    """A comma-separated list of ids in a query string: ``1,2,3``."""

    def _deserialize(self, value, attr, data, **kwargs):
        parts = [p.strip() for p in str(value).split(",") if p.strip()]
        try:
            ids = [int(p) for p in parts]
        except ValueError:
            raise ValidationError("Must be a comma-separated list of integer ids.") from None
        if not ids or len(ids) > 1000 or any(i < 1 for i in ids):
            raise ValidationError("Must list between 1 and 1000 positive ids.")
        return ids


def Timestamp(**kwargs):  # noqa: N802 - a field factory reads like a field class
    """An ISO 8601 timestamp; naive input is taken as UTC."""
    return fields.AwareDateTime(default_timezone=UTC, **kwargs)


def Choice(values, **kwargs):  # noqa: N802
    """A string that must be one of the given values."""
    return fields.String(validate=validate.OneOf([str(v) for v in values]), **kwargs)


class IdListSchema(Schema):
    server_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1)), validate=validate.Length(max=10000)
    )
