"""Maintenance windows in a document, matched by `key`: servers by key, status pages by slug.

Each object goes through MaintenanceWindowSchema (the schedule parsed and checked as on a
POST) on a new window outside the session, with the API's own rule that a window targets
something. A schedule equal to the stored one is kept as it is, not checked again: a `once`
window that has ended is still in an export, and re-applying it changes nothing.
"""

from marshmallow import ValidationError

from pulseguard.api.config.diff import diff
from pulseguard.api.config.kind_exports import exported_window
from pulseguard.api.config.paths import flatten
from pulseguard.api.config.plan import KindPlan
from pulseguard.api.maintenance_windows.routes import targets_error
from pulseguard.api.maintenance_windows.schemas import MaintenanceWindowSchema
from pulseguard.models import MaintenanceWindow


def references(plan, path: str, values, known, what: str) -> list[str]:
    """Check a list of keys (or slugs) against those known; return the good ones."""
    if not isinstance(values, list):
        plan.errors[path] = ["Must be a list."]
        return []
    good = []
    for index, value in enumerate(values):
        if not isinstance(value, str):
            plan.errors[f"{path}[{index}]"] = [f"Must be a string (a {what})."]
        elif value not in known:
            plan.errors[f"{path}[{index}]"] = [f"Unknown {what} '{value}'."]
        else:
            good.append(value)
    return good


def plan_windows(owner_id, items, stored, servers, slugs, slug_of, prune) -> KindPlan:
    """Plan the windows of a document against the stored ones ({key: window}).

    servers: key -> Server (stored or planned) a window may target; slugs: the status pages it
    may be announced on; slug_of maps a stored page id to its slug.
    """
    plan = KindPlan("maintenance_window")
    schema = MaintenanceWindowSchema()
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"maintenance_windows[{index}]"
        if not isinstance(item, dict):
            plan.errors[path] = ["Must be a mapping (a maintenance window)."]
            continue
        item = dict(item)
        keys = references(plan, f"{path}.servers", item.pop("servers", []), servers, "server key")
        pages = references(plan, f"{path}.status_pages", item.pop("status_pages", []), slugs,
                           "status page slug")  # fmt: skip
        key = item.get("key")
        current = stored.get(key) if isinstance(key, str) else None
        before = exported_window(current, slug_of) if current is not None else None
        partial = before is not None and item.get("schedule") == before["schedule"]
        if partial:
            item.pop("schedule")
        try:
            data = schema.load(item, partial=("schedule",) if partial else False)
        except ValidationError as error:
            plan.errors |= flatten(path, error.messages, item)
            continue
        data.pop("server_ids")
        if data.pop("key") is None:
            plan.errors[f"{path}.key"] = ["Missing data for required field."]
            continue
        if key in seen:
            plan.errors[f"{path}.key"] = [f"Duplicate key '{key}' (also [{seen[key]}])."]
            continue
        seen[key] = index
        if partial:
            data["schedule"] = current.schedule
        window = MaintenanceWindow(owner_id=owner_id, key=key, **data)
        window.servers = [servers[name] for name in keys]
        window.status_pages = pages
        if any(name.startswith(path + ".") for name in plan.errors):
            continue  # unknown references: a window that "targets nothing" would say it twice
        problem = targets_error(window)
        if problem:
            plan.errors[f"{path}.servers"] = [problem]
            continue
        after = exported_window(window, lambda slug: slug)
        plan.match(key, current, window, before, after, diff, payload=(window, data))
    for key, window in stored.items():
        if key not in seen:
            plan.left_out(key, window, prune)
    return plan


def execute(plan: KindPlan, session, page_ids: dict[str, int]) -> None:
    """Write the windows' plan but its deletions (servers and pages written and flushed first)."""
    for stored, (planned, data) in plan.updates:
        for name, value in data.items():
            setattr(stored, name, value)
        stored.servers = list(planned.servers)
        stored.status_pages = [page_ids[slug] for slug in planned.status_pages]
    for window in plan.creates:
        window.status_pages = [page_ids[slug] for slug in window.status_pages]
        session.add(window)
