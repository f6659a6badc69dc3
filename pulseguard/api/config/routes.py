"""Routes of /api/config/."""

from flask import Response, json, request
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates

from pulseguard.api.config import apply as applying
from pulseguard.api.config import blp, yaml_io
from pulseguard.api.config.document import revision, server_document
from pulseguard.api.config.errors import ApplyError
from pulseguard.api.config.schemas import ApplyQuerySchema, PlanSchema
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


APPLY_BODY = {
    "required": True,
    "description": "A version-1 document, as the export writes it: YAML 1.2 (anchors, aliases "
    "and duplicate keys refused) or JSON. At most CONFIG_MAX_BODY_BYTES (16 MiB) and 5000 objects.",
    "content": {
        "application/yaml": {"schema": DOCUMENT},
        "text/yaml": {"schema": DOCUMENT},
        "application/json": {"schema": DOCUMENT},
    },
}


def _if_match():
    value = request.headers.get("If-Match")
    if value is None:
        return None
    return value.strip().removeprefix("W/").strip('"')


@blp.route("/apply/", methods=["POST"])
@blp.arguments(ApplyQuerySchema, location="query")
@blp.response(200, PlanSchema)
@blp.alt_response(409, description="Another apply is running, or more deletions than max_deletes")
@blp.alt_response(412, description="`If-Match` is not the current revision (export again)")
@blp.alt_response(413, description="The body is larger than CONFIG_MAX_BODY_BYTES")
@blp.doc(requestBody=APPLY_BODY)
def apply_document(args):
    """Apply a document: servers matched by `key`, in one transaction (or plan it: dry_run).

    Idempotent: applying the same document twice changes nothing the second time. Every error
    is reported at once, by document path (`servers[2].port`), and then nothing changes.
    Servers missing from the document are `unmanaged` unless `prune=true`.
    """
    try:
        return applying.run(
            current_user().id,
            request.get_data(cache=False),
            request.mimetype or None,
            dry_run=args["dry_run"],
            prune=args["prune"],
            max_deletes=args["max_deletes"],
            if_match=_if_match(),
        )
    except ApplyError as error:
        abort(
            error.code,
            message=error.message,
            errors={"json": error.errors} if error.errors else None,
        )
