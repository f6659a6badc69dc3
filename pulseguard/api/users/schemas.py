"""User schemas, shared by auth (register, me) and admin user management."""

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates

from config import Config
from pulseguard.api.fields import Timestamp

# The rule is checked against the app's PASSWORD_MIN_LENGTH; the document shows the configured one.
PASSWORD_DOC = {"minLength": Config.PASSWORD_MIN_LENGTH}

USERNAME = validate.Regexp(
    r"^[\w.@+-]{1,150}$", error="Use 1 to 150 letters, digits and @ . + - _ characters."
)


class UserSchema(Schema):
    id = fields.Int(dump_only=True)
    username = fields.Str(required=True, validate=USERNAME)
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    is_admin = fields.Bool(dump_only=True)
    date_joined = Timestamp(dump_only=True)
    password = fields.Str(
        required=True, load_only=True, validate=validate.Length(max=1024), metadata=PASSWORD_DOC
    )

    @validates("password")
    def check_password_length(self, value, **_kwargs):
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(value) < minimum:
            raise ValidationError(f"Must be at least {minimum} characters long.")


class AdminUserSchema(UserSchema):
    is_admin = fields.Bool(load_default=False)


class UserUpdateSchema(AdminUserSchema):
    """Admin edits: every field optional."""

    is_admin = fields.Bool()
