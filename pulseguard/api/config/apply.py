"""Applying a document (API-NEXT §7): plan, check, then write it all in one transaction.

In order, under the user's apply lease (a concurrent apply gets 409): the body is read (422 for
bad YAML or JSON), the stored revision is compared with `If-Match` (412), every object of every
kind is validated and planned (422 with every error by document path), the prune guard is
checked (409 above `max_deletes`, deletions of every kind counted), and the plan is written and
committed at once, or not at all. Writing order: deletions, servers, status pages, windows (they
name pages), configs; flushed between, so that objects made here can be referred to by id.
"""

from sqlalchemy import select

from pulseguard import pagecache
from pulseguard.api.config import (
    notification_plan,
    page_plan,
    server_plan,
    snapshot,
    window_plan,
)
from pulseguard.api.config.document import exported
from pulseguard.api.config.errors import ApplyError
from pulseguard.api.config.lease import ApplyRunningError, held
from pulseguard.api.config.plan import KindPlan
from pulseguard.api.config.reading import read
from pulseguard.extensions import db
from pulseguard.models import Server, StatusPage, User
from pulseguard.monitoring import pausing
from pulseguard.monitoring.maintenance import apply_windows

SUMMARY = ("servers", "notification_configs", "maintenance_windows", "status_pages")


def run(
    owner_id: int,
    body: bytes,
    mimetype: str | None,
    *,
    dry_run: bool,
    prune: bool = False,
    max_deletes: int = 50,
    if_match: str | None = None,
    is_admin: bool | None = None,
) -> dict:
    """Apply (or plan, with dry_run) a document for a user; return the plan, or ApplyError.

    is_admin: whether admin-only channels may be used (default: whether the user is an admin).
    """
    if is_admin is None:
        is_admin = bool(db.session.get(User, owner_id).is_admin)
    try:
        with held(owner_id):
            return _run(owner_id, body, mimetype, dry_run, prune, max_deletes, if_match, is_admin)
    except ApplyRunningError as error:
        raise ApplyError(409, error.message) from None
    finally:
        db.session.rollback()  # nothing of a refused or planned-only apply stays in the session


def plan(owner_id, document, account, prune, is_admin) -> dict[str, KindPlan]:
    """Plan every kind of a document against the account ({kind: plan}, absent kinds empty)."""
    plans = {kind: KindPlan(kind.removesuffix("s")) for kind in SUMMARY}
    if "servers" in document:
        plans["servers"] = server_plan.plan_servers(
            owner_id, document["servers"], account.servers, prune
        )
    servers = plans["servers"]
    gone = {server.key for server in servers.deletes}
    known = {server.key: server for server in account.servers if server.key not in gone}
    known |= {server.key: server for server in servers.creates}
    if "status_pages" in document:
        stored = {page.slug: page for page in account.pages}
        plans["status_pages"] = page_plan.plan_pages(
            owner_id, document["status_pages"], stored, known, account.key_of, prune
        )
    pages = plans["status_pages"]
    dropped = {page.slug for page in pages.deletes}
    slugs = {page.slug for page in account.pages if page.slug not in dropped}
    slugs |= {page.slug for page in pages.creates}
    if "maintenance_windows" in document:
        stored = {window.key: window for window in account.windows}
        plans["maintenance_windows"] = window_plan.plan_windows(
            owner_id, document["maintenance_windows"], stored, known, slugs, account.slug_of, prune
        )
    configs = {}
    for config in account.configs:
        server_key = None if config.server_id is None else account.key_of(config.server_id)
        configs[(server_key, config.key)] = config
    plans["notification_configs"] = notification_plan.plan_configs(
        owner_id, is_admin, document, known, configs, prune
    )
    return plans


def _run(owner_id, body, mimetype, dry_run, prune, max_deletes, if_match, is_admin):
    document = read(body, mimetype)
    account = snapshot.load(owner_id)
    before = {server.key: exported(server) for server in account.servers}
    current = snapshot.revision_of(snapshot.full(account, before))
    if if_match is not None and if_match not in ("*", current):
        raise ApplyError(412, "The configuration changed since that export: export it again.")
    plans = plan(owner_id, document, account, prune, is_admin)
    errors = {path: messages for p in plans.values() for path, messages in p.errors.items()}
    if errors:
        raise ApplyError(422, "The document is not valid: nothing was changed.", errors)
    deletes = sum(len(p.deletes) for p in plans.values())
    if deletes > max_deletes:
        raise ApplyError(
            409,
            f"This apply would delete {deletes} objects, more than max_deletes "
            f"({max_deletes}): nothing was changed.",
        )
    answer = {
        "dry_run": dry_run,
        "revision": current,
        "summary": {kind: p.summary() for kind, p in plans.items()},
        "changes": [change for p in plans.values() for change in p.changes],
        "warnings": [warning for p in plans.values() for warning in p.warnings],
    }
    if dry_run or not any(p.writes for p in plans.values()):
        return answer
    servers = plans["servers"]
    _write(owner_id, plans, is_admin)
    kept = dict(before)
    for server in servers.deletes:
        kept.pop(server.key)
    touched = [server for server, _data in servers.updates] + servers.creates
    kept |= {server.key: exported(server) for server in touched}
    revision = snapshot.revision_of(snapshot.full(snapshot.load(owner_id), kept))
    changed_ids = [server.id for server in touched + servers.deletes]
    db.session.commit()
    pausing.publish_ended()
    apply_windows()  # tags and windows decide which maintenance windows cover a server
    pagecache.clear_servers(changed_ids)
    pagecache.clear_owners([owner_id])
    return answer | {"revision": revision}


def _write(owner_id: int, plans: dict[str, KindPlan], is_admin: bool) -> None:
    session = db.session
    for kind in ("notification_configs", "maintenance_windows", "status_pages"):
        for obj in plans[kind].deletes:
            session.delete(obj)
    session.flush()
    server_plan.execute(plans["servers"], session)
    session.flush()
    server_ids = dict(
        session.execute(select(Server.key, Server.id).where(Server.owner_id == owner_id)).all()
    )
    page_plan.execute(plans["status_pages"], session, server_ids)
    session.flush()
    stmt = select(StatusPage.slug, StatusPage.id).where(StatusPage.owner_id == owner_id)
    window_plan.execute(plans["maintenance_windows"], session, dict(session.execute(stmt).all()))
    notification_plan.execute(plans["notification_configs"], session, is_admin)
    session.flush()
