"""PUT bodies: the answer to a GET, sent back as it is, replaces the resource (a round trip).

A GET answers read-only fields (id, owner, timestamps, statuses, a push server's ping URL);
marshmallow would refuse each of them in a PUT as an unknown field. `replacing(Schema)` makes
the PUT schema drop every read-only field, at any depth of nested objects, before validation;
unknown fields (typos) are still refused with 422. Read-only fields are ignored whatever their
value: what they say is not the client's to change.
"""

from marshmallow import Schema, fields, pre_load

NOTE = (
    "Read-only fields (those a GET answers, such as `id`, `owner` and timestamps) are accepted "
    "and ignored, so that the body of a GET can be sent back as it is."
)


def _inner_schema(field):
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        return field.schema
    if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
        return field.inner.schema
    return None


def without_read_only(schema: Schema, data):
    """Return the data with the schema's read-only (dump_only) keys removed, recursively."""
    if isinstance(data, list):
        return [without_read_only(schema, item) for item in data]
    if not isinstance(data, dict):
        return data
    by_key = {field.data_key or name: field for name, field in schema.fields.items()}
    kept = {}
    for key, value in data.items():
        field = by_key.get(key)
        if field is not None and field.dump_only:
            continue
        inner = _inner_schema(field) if field is not None else None
        kept[key] = without_read_only(inner, value) if inner is not None else value
    return kept


def replacing(schema_class: type[Schema]) -> type[Schema]:
    """Return the PUT version of a schema: the same fields, read-only ones ignored on input."""

    class Replace(schema_class):  # type: ignore[valid-type, misc]
        @pre_load
        def _ignore_read_only(self, data, **kwargs):
            return without_read_only(self, data)

    name = schema_class.__name__.removesuffix("Schema")
    Replace.__name__ = Replace.__qualname__ = f"{name}ReplaceSchema"
    Replace.__doc__ = f"{(schema_class.__doc__ or name).strip()} {NOTE}"
    return Replace
