"""API key request and response bodies."""

from datetime import timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates

from pulseguard.api.fields import Choice, Timestamp
from pulseguard.models.api_key import SCOPES
from pulseguard.models.types import utcnow

NAME = validate.Length(min=1, max=100)
LONGEST_LIFE = timedelta(days=731)  # two years, leap day included


class ApiKeySchema(Schema):
    id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=NAME)
    prefix = fields.Str(dump_only=True, metadata={"example": "pgk_7HqL2xWc"})
    scopes = fields.List(
        Choice(SCOPES), required=True, validate=validate.Length(min=1, max=len(SCOPES))
    )
    created_at = Timestamp(dump_only=True)
    expires_at = Timestamp(
        allow_none=True,
        load_default=None,
        metadata={"description": "null: never. Else in the future, at most 2 years away."},
    )
    last_used_at = Timestamp(
        dump_only=True, metadata={"description": "Updated at most once a minute."}
    )
    last_used_ip = fields.Str(dump_only=True)
    revoked_at = Timestamp(dump_only=True)
    status = Choice(("active", "expired", "revoked"), dump_only=True)

    @validates("expires_at")
    def check_expiry(self, value, **_kwargs):
        if value is None:
            return
        now = utcnow()
        if value <= now:
            raise ValidationError("Must be in the future.")
        if value > now + LONGEST_LIFE:
            raise ValidationError("Must be at most 2 years away.")


class NewApiKeySchema(ApiKeySchema):
    key = fields.Str(
        dump_only=True,
        metadata={"description": "The key itself: shown in this answer only, never again."},
    )


class ApiKeyRenameSchema(Schema):
    name = fields.Str(required=True, validate=NAME)


class ApiKeyQuerySchema(Schema):
    include_revoked = fields.Bool(load_default=False)
