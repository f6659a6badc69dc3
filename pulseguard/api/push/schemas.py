"""Push ping schemas: the query string (ours and Uptime Kuma's) and the answer.

The answer is built from its own allow-list of fields (a public surface never reuses a private
schema).
"""

from marshmallow import Schema, fields, post_load, validate

MSG_LIMIT = 500
MAX_DURATION_MS = 604800000
MS_RANGE = {"type": "number", "minimum": 0, "maximum": MAX_DURATION_MS}  # for the OpenAPI document


class Blankable(fields.Field):
    """Kuma's push URLs send `ping=` and `msg=` empty: an empty value is no value."""

    def __init__(self, inner: fields.Field, **kwargs):
        super().__init__(allow_none=True, **kwargs)
        self.inner = inner

    def _deserialize(self, value, attr, data, **kwargs):
        if value in ("", None):
            return None
        return self.inner.deserialize(value, attr, data, **kwargs)  # with its validators


class PingQuerySchema(Schema):
    rid = fields.UUID(metadata={"description": "Pairs a start with its success or fail"})
    msg = Blankable(
        fields.Str(),
        metadata={"type": "string", "description": f"A message, kept up to {MSG_LIMIT} characters"},
    )
    duration_ms = Blankable(
        fields.Float(validate=validate.Range(0, MAX_DURATION_MS)),
        metadata={**MS_RANGE, "description": "The run's duration as the client measured it"},
    )
    status = fields.Str(
        validate=validate.OneOf(["up", "down"]),
        metadata={"description": "Uptime Kuma's form: `down` means fail"},
    )
    ping = Blankable(
        fields.Float(validate=validate.Range(0, MAX_DURATION_MS)),
        metadata={**MS_RANGE, "description": "Uptime Kuma's form of duration_ms"},
    )

    @post_load
    def normalise(self, data, **_kwargs):
        if data.get("msg"):
            data["msg"] = data["msg"][:MSG_LIMIT]
        if data.get("duration_ms") is None and data.get("ping") is not None:
            data["duration_ms"] = data["ping"]
        if data.get("rid") is not None:
            data["rid"] = str(data["rid"])
        return data


class PingAnswerSchema(Schema):
    ok = fields.Bool(required=True)
    status = fields.Str(metadata={"description": "The server's status after the ping"})
    ignored = fields.Str(metadata={"description": "Why the ping changed nothing (`paused`)"})
