"""The API side of HTTP assertions (API-NEXT §1.5): their schema and the rules across fields.

Each assertion is checked (its JMESPath and regexes compiled) when a server is saved, so a
check never meets one it cannot evaluate; the engine is checks/assertions.py.
"""

import re

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from pulseguard.checks.assertions import (
    MAX_ASSERTIONS,
    OPERATORS,
    TYPES,
    SpecError,
    normalize,
    regex_message,
)
from pulseguard.checks.patterns import PatternError, compile_pattern

HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,200}$")
KEYWORD_MODES = ("contains", "regex")


class AssertionSchema(Schema):
    """One assertion: `type`, `operator`, and the fields of its type."""

    type = fields.Str(required=True, validate=validate.OneOf(TYPES))
    operator = fields.Str(
        required=True,
        metadata={"description": "; ".join(f"{t}: {' '.join(o)}" for t, o in OPERATORS.items())},
    )
    path = fields.Str(
        validate=validate.Length(min=1, max=500), metadata={"description": "json: a JMESPath"}
    )
    name = fields.Str(
        validate=validate.Regexp(HEADER_NAME, error="Not a valid header name."),
        metadata={"description": "header: its name (case-insensitive)"},
    )
    value = fields.Raw(
        allow_none=True,
        metadata={
            "description": "body/header: a string (a regex for matches); json: any JSON (a "
            "number for < <= > >=, a regex for matches, absent for exists); response_time: ms; "
            "cert_expiry: days"
        },
    )
    case_sensitive = fields.Bool(metadata={"description": "body only; default true"})

    @validates_schema
    def fits_its_type(self, data, **_kwargs):
        try:
            normalize(data)
        except SpecError as error:
            raise ValidationError(error.errors) from None

    @post_load
    def stored(self, data, **_kwargs):
        return normalize(data)


def assertions_field():
    return fields.List(
        fields.Nested(AssertionSchema),
        load_default=list,
        validate=validate.Length(max=MAX_ASSERTIONS, error=f"At most {MAX_ASSERTIONS}."),
        metadata={
            "description": "All must pass, in order, after the expected status (API-NEXT §1.5). "
            "Each result stores every verdict: type, path|name, operator, expected, actual "
            "(cut to 200 characters), passed, and message when it failed."
        },
    )


def check(server, _data) -> dict:
    """The rules across fields, on the saved values: keyword regex, timeout, protocol."""
    errors: dict = {}
    if server.keyword and server.keyword_mode == "regex":
        try:
            compile_pattern(server.keyword, bool(server.keyword_case_sensitive))
        except PatternError as error:
            errors["keyword"] = [regex_message(error)]
    problems: dict = {}
    limit_ms = round(float(server.timeout_s or 10.0) * 1000)
    for index, assertion in enumerate(server.assertions or []):
        if assertion["type"] == "response_time" and assertion["value"] >= limit_ms:
            problems[index] = {"value": [f"Must be below timeout ({limit_ms} ms)."]}
        if assertion["type"] == "cert_expiry" and server.protocol != "https":
            problems[index] = {"type": ["cert_expiry needs protocol https."]}
    if problems:
        errors["assertions"] = problems
    return errors
