"""Applying a document (API-NEXT §7): plan, check, then write it all in one transaction.

In order, under the user's apply lease (a concurrent apply gets 409): the body is read (422 for
bad YAML or JSON), the stored revision is compared with `If-Match` (412), every object is
validated and planned (422 with every error by document path), the prune guard is checked
(409 above `max_deletes`), and the plan is written and committed at once, or not at all.
"""

from pulseguard import pagecache
from pulseguard.api.config import server_plan
from pulseguard.api.config.document import document_of, exported, owned_servers, revision
from pulseguard.api.config.errors import ApplyError
from pulseguard.api.config.lease import ApplyRunningError, held
from pulseguard.api.config.reading import read
from pulseguard.extensions import db
from pulseguard.monitoring import pausing
from pulseguard.monitoring.maintenance import apply_windows


def run(
    owner_id: int,
    body: bytes,
    mimetype: str | None,
    *,
    dry_run: bool,
    prune: bool = False,
    max_deletes: int = 50,
    if_match: str | None = None,
) -> dict:
    """Apply (or plan, with dry_run) a document for a user; return the plan, or ApplyError."""
    try:
        with held(owner_id):
            return _run(owner_id, body, mimetype, dry_run, prune, max_deletes, if_match)
    except ApplyRunningError as error:
        raise ApplyError(409, error.message) from None
    finally:
        db.session.rollback()  # nothing of a refused or planned-only apply stays in the session


def _run(owner_id, body, mimetype, dry_run, prune, max_deletes, if_match):
    document = read(body, mimetype)
    existing = owned_servers(owner_id)
    before = {server.key: exported(server) for server in existing}
    current = revision(document_of(list(before.values())))
    if if_match is not None and if_match not in ("*", current):
        raise ApplyError(412, "The configuration changed since that export: export it again.")
    if "servers" not in document:
        plan = server_plan.ServerPlan(unchanged=0)
    else:
        plan = server_plan.plan_servers(owner_id, document["servers"], existing, prune)
    if plan.errors:
        raise ApplyError(422, "The document is not valid: nothing was changed.", plan.errors)
    if len(plan.deletes) > max_deletes:
        raise ApplyError(
            409,
            f"This apply would delete {len(plan.deletes)} objects, more than max_deletes "
            f"({max_deletes}): nothing was changed.",
        )
    answer = {
        "dry_run": dry_run,
        "revision": current,
        "summary": {"servers": plan.summary()},
        "changes": plan.changes,
        "warnings": plan.warnings,
    }
    if dry_run or not (plan.creates or plan.updates or plan.deletes):
        return answer
    server_plan.execute(plan, db.session)
    db.session.flush()
    kept = {key: dump for key, dump in before.items()}
    for server in plan.deletes:
        kept.pop(server.key)
    touched = [server for server, _data in plan.updates] + plan.creates
    kept |= {server.key: exported(server) for server in touched}
    changed_ids = [server.id for server in touched + plan.deletes]
    db.session.commit()
    pausing.publish_ended()
    apply_windows()  # tags decide which maintenance windows cover a server
    pagecache.clear_servers(changed_ids)
    return answer | {"revision": revision(document_of(list(kept.values())))}
