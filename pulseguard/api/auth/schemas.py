"""Token request and response bodies."""

from marshmallow import Schema, fields, validate

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


class EmptySchema(Schema):
    pass
