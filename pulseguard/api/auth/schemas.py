"""Token request and response bodies."""

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates

from pulseguard.api.users.schemas import PASSWORD_DOC

TOKEN = fields.Str(required=True, validate=validate.Length(min=1, max=4096))


class CredentialsSchema(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=150))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=1024))


class TokenPairSchema(Schema):
    access = fields.Str(required=True)
    refresh = fields.Str()


class RefreshSchema(Schema):
    refresh = TOKEN


class VerifySchema(Schema):
    token = TOKEN


class LogoutSchema(Schema):
    refresh = fields.Str(validate=validate.Length(max=4096))
    revoke_api_keys = fields.Bool(
        load_default=False, metadata={"description": "Revoke every API key of yours too."}
    )


class EmptySchema(Schema):
    pass


class PasswordChangeSchema(Schema):
    old_password = fields.Str(required=True, validate=validate.Length(min=1, max=1024))
    new_password = fields.Str(
        required=True, validate=validate.Length(max=1024), metadata=PASSWORD_DOC
    )

    @validates("new_password")
    def check_length(self, value, **_kwargs):
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(value) < minimum:
            raise ValidationError(f"Must be at least {minimum} characters long.")
