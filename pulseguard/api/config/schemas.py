"""Schemas of /api/config/apply/: its query and its answer (the plan)."""

from marshmallow import Schema, fields, validate

from pulseguard.api.config.reading import MAX_OBJECTS


class ApplyQuerySchema(Schema):
    dry_run = fields.Bool(load_default=False, metadata={"description": "Plan only: write nothing"})
    prune = fields.Bool(
        load_default=False,
        metadata={"description": "Delete your objects of the kinds given that the document lacks"},
    )
    max_deletes = fields.Int(
        load_default=50,
        validate=validate.Range(0, MAX_OBJECTS),
        metadata={"description": "More deletions than this: 409, nothing changes"},
    )


class ChangeSchema(Schema):
    kind = fields.Str(metadata={"description": "`server`"})
    key = fields.Str()
    action = fields.Str(metadata={"description": "create | update | delete | unmanaged"})
    diff = fields.Dict(
        keys=fields.Str(),
        values=fields.List(fields.Raw()),
        metadata={"description": "update only: `{field: [old, new]}`, nested fields dotted"},
    )


class PlanSchema(Schema):
    dry_run = fields.Bool()
    revision = fields.Str(
        metadata={"description": "The revision after the apply (dry run: the current one)"}
    )
    summary = fields.Dict(
        keys=fields.Str(),
        values=fields.Dict(keys=fields.Str(), values=fields.Int()),
        metadata={"description": "Per kind: create, update, delete, unchanged, unmanaged"},
    )
    changes = fields.List(fields.Nested(ChangeSchema))
    warnings = fields.List(fields.Str())
