"""Routes of /api/checks/."""

from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from pulseguard.api.access import admin_required
from pulseguard.api.checks import blp
from pulseguard.api.fields import Id
from pulseguard.extensions import db
from pulseguard.jobs.requests import request_checks
from pulseguard.models import Server
from pulseguard.models.monitored import checked_now


class RunChecksSchema(Schema):
    server_ids = fields.List(Id(), validate=validate.Length(min=1, max=100000))


class QueuedSchema(Schema):
    queued = fields.Int()
    server_ids = fields.List(fields.Int())


@blp.route("/run/", methods=["POST"])
@blp.arguments(RunChecksSchema, required=False)
@blp.response(202, QueuedSchema)
@blp.alt_response(403, description="Not an administrator")
@blp.alt_response(404, description="Unknown server ids")
@admin_required
def run_checks(body):
    """Check the given servers (default: every active one) now. Paused ones are skipped."""
    stmt = select(Server.id).where(checked_now())
    if body.get("server_ids"):
        wanted = set(body["server_ids"])
        known = set(db.session.scalars(select(Server.id).where(Server.id.in_(wanted))))
        if wanted - known:
            abort(404, message=f"Unknown server ids: {sorted(wanted - known)}")
        stmt = stmt.where(Server.id.in_(wanted))
    ids = sorted(db.session.scalars(stmt))
    if ids:
        request_checks(ids)
    return {"queued": len(ids), "server_ids": ids}
