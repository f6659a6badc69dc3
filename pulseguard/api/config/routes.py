"""Routes of /api/config/."""

from flask import Response, request
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates

from pulseguard.api.config import apply as applying
from pulseguard.api.config import blp, exporting
from pulseguard.api.config.errors import ApplyError
from pulseguard.api.config.schemas import ApplyQuerySchema, PlanSchema
from pulseguard.security import credential, current_user, require_person

DOCUMENT = {
    "type": "object",
    "description": "`{version: 1, servers: [...], notification_configs: [...], "
    "maintenance_windows: [...], status_pages: [...]}` (API-NEXT §7)",
}


class ExportQuerySchema(Schema):
    format = fields.Str(load_default="yaml", validate=validate.OneOf(("yaml", "json")))
    include = fields.Str(
        load_default=",".join(exporting.KINDS),
        metadata={
            "description": "Comma-separated kinds: servers, notification_configs (needs "
            "servers: a server's configs are under its `notifications`), maintenance_windows, "
            "status_pages. Default: all four."
        },
    )
    secrets = fields.Str(
        load_default="omit",
        validate=validate.OneOf(("omit", "include")),
        metadata={
            "description": "omit: recipients of every type but email and sms masked, webhook "
            "`secret` and `options.api_key` left out (an apply keeps the stored ones). include: "
            "all in plain text; needs a JWT, not an API key."
        },
    )

    @validates("include")
    def check_include(self, value, **_kwargs):
        try:
            exporting.kinds_of(value)
        except exporting.IncludeError as error:
            raise ValidationError(str(error)) from None


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
    """Export your configuration as a document (YAML 1.2, or JSON), references by key.

    Servers (each with its notification configs), the configs for every server, maintenance
    windows and status pages; declarative fields only. The ETag is the revision of the whole
    account, whatever `include` says: send it back as `If-Match` on an apply.
    """
    secrets = args["secrets"] == "include"
    if secrets:
        require_person()
    kinds = exporting.kinds_of(args["include"])
    document, revision = exporting.export(current_user().id, kinds, secrets)
    body, mimetype = exporting.text(document, args["format"])
    headers = {"ETag": f'"{revision}"', "Cache-Control": "no-store"}
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
    """Apply a document, every kind in one transaction (or plan it: dry_run).

    Servers and maintenance windows are matched by `key`, notification configs by `key` within
    their server (or among the configs for every server), status pages by `slug`; references
    are keys (slugs for pages). Idempotent: applying the same document twice changes nothing
    the second time. Every error is reported at once, by document path
    (`servers[2].port`, `status_pages[0].groups[0].servers[1]`), and then nothing changes.
    Objects of a kind the document has (`servers: []` included) that it lacks are `unmanaged`
    unless `prune=true`; a server's configs are managed when its object has `notifications`.
    Secrets left out (null, absent, or the masked recipient of an export) keep the stored
    ones; a new config must give its recipient. Deletions of every kind count towards
    `max_deletes`.
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
            is_admin=credential().is_admin,
        )
    except ApplyError as error:
        abort(
            error.code,
            message=error.message,
            errors={"json": error.errors} if error.errors else None,
        )
