"""Routes of /api/config/."""

from flask import Response, json
from marshmallow import Schema, ValidationError, fields, validate, validates

from pulseguard.api.config import blp, yaml_io
from pulseguard.api.config.document import revision, server_document
from pulseguard.security import current_user

EXPORTABLE = ("servers",)  # notification configs, maintenance windows and pages come next
DOCUMENT = {"type": "object", "description": "`{version: 1, servers: [...]}`"}


class ExportQuerySchema(Schema):
    format = fields.Str(load_default="yaml", validate=validate.OneOf(("yaml", "json")))
    include = fields.Str(load_default="servers", metadata={"description": "servers (so far)"})

    @validates("include")
    def check_include(self, value, **_kwargs):
        unknown = [part for part in value.split(",") if part.strip() not in EXPORTABLE]
        if unknown:
            raise ValidationError(f"Only {', '.join(EXPORTABLE)} can be exported so far.")


@blp.route("/export/")
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(
    200,
    description="The document; `ETag` is its revision.",
    content_type="application/yaml",
)
@blp.doc(
    responses={
        "200": {
            "description": "The document (YAML 1.2 or JSON); `ETag` is its revision.",
            "content": {
                "application/yaml": {"schema": DOCUMENT},
                "application/json": {"schema": DOCUMENT},
            },
        }
    }
)
def export(args):
    """Export your servers as a document (YAML 1.2, or JSON), matched by `key`."""
    document = server_document(current_user())
    if args["format"] == "json":
        body, mimetype = json.dumps(document, indent=2) + "\n", "application/json"
    else:
        body, mimetype = yaml_io.dump(document), "application/yaml"
    headers = {"ETag": f'"{revision(document)}"', "Cache-Control": "no-store"}
    return Response(body, mimetype=mimetype, headers=headers)
