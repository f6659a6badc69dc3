"""The `servers:` part of an apply: each document object validated, matched by key, and diffed.

Each object goes through ServerSchema and then the servers API's own `apply()` (the kind's rules,
defaults and completions), on a new Server that is not in the session; its export is compared with
the stored server's. So the plan says exactly what `PUT /api/servers/<id>/` would change, and an
object equal to its export is unchanged. Runtime state (status, results, push tokens, badge
keys) is never read from the document nor written.
"""

from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from pulseguard.api.config.diff import diff
from pulseguard.api.config.document import exported
from pulseguard.api.config.paths import flatten
from pulseguard.api.config.plan import KindPlan
from pulseguard.api.servers.routes import apply
from pulseguard.api.servers.schemas import ServerSchema
from pulseguard.models import Server, ServerStatus
from pulseguard.models.monitored import is_checked
from pulseguard.models.types import utcnow


def plan_servers(owner_id: int, items: list, existing: list[Server], prune: bool) -> KindPlan:
    """Plan the servers of a document against the owner's stored ones (matched by key).

    Each planned Server is in `creates`, or in `updates` as (stored server, its data); a
    server's `notifications` are planned by notification_plan.
    """
    plan = KindPlan("server")
    stored = {server.key: server for server in existing}
    seen: dict[str, int] = {}
    schema = ServerSchema()
    for index, item in enumerate(items):
        path = f"servers[{index}]"
        planned = _one(plan, schema, owner_id, path, item)
        if planned is None:
            continue
        key, server, data = planned
        if key in seen:
            plan.errors[f"{path}.key"] = [f"Duplicate key '{key}' (also servers[{seen[key]}])."]
            continue
        seen[key] = index
        _warn_cron(plan, path, data)
        current = stored.get(key)
        before = exported(current) if current is not None else None
        plan.match(key, current, server, before, exported(server), diff, payload=data)
    for key, server in stored.items():
        if key not in seen:
            plan.left_out(key, server, prune)
    return plan


def _one(plan, schema, owner_id, path, item):
    """Validate one object; return (key, a new Server built from it, its data), or None."""
    if not isinstance(item, dict):
        plan.errors[path] = ["Must be a mapping (a server)."]
        return None
    item = {name: value for name, value in item.items() if name != "notifications"}
    try:
        data = schema.load(item)
    except ValidationError as error:
        plan.errors |= flatten(path, error.messages, item)
        return None
    key = data.pop("key")
    if key is None:
        plan.errors[f"{path}.key"] = ["Missing data for required field."]
        return None
    server = Server(owner_id=owner_id, key=key, maintenance="")
    try:
        apply(server, data)
    except HTTPException as error:
        messages = (getattr(error, "data", None) or {}).get("errors", {}).get("json", {})
        plan.errors |= flatten(path, messages or [error.description], item)
        return None
    return key, server, data


def _warn_cron(plan, path, data):
    expression = ((data.get("settings") or {}).get("push") or {}).get("cron")
    parts = (expression or "").split()
    if len(parts) == 5 and parts[2] != "*" and parts[4] != "*":
        plan.warnings.append(
            f"{path}.push.cron '{expression}' fires on days {parts[2]} of the month OR on "
            f"weekdays {parts[4]} (cron joins the two with OR)"
        )


def execute(plan: KindPlan, session) -> None:
    """Write a plan in the session (the caller commits): updates, creates, deletes."""
    for server, data in plan.updates:
        apply(server, data)
    for server in plan.creates:
        server.current_status = ServerStatus()
        if is_checked(server):
            server.next_check_at = utcnow()
        session.add(server)
    for server in plan.deletes:
        session.delete(server)
