"""Status pages in a document, matched by `slug`; a group's servers by key.

A group's server is a key (`api-prod`) or `{server: api-prod, display_name: "API"}`. Each page
goes through StatusPageSchema on a new page outside the session, and the API's own group rules
(`group_problems`: known servers, each once per page). A slug another user has is refused at its
path (the API answers 409; a document reports every error at once).
"""

from marshmallow import ValidationError
from sqlalchemy import select

from pulseguard.api.config.diff import diff
from pulseguard.api.config.kind_exports import exported_page
from pulseguard.api.config.paths import flatten
from pulseguard.api.config.plan import KindPlan
from pulseguard.api.status_pages.routes import group_problems
from pulseguard.api.status_pages.schemas import StatusPageSchema
from pulseguard.extensions import db
from pulseguard.models import StatusPage

ANY_ID = 1  # stands in for a server key while the schema checks the rest of an entry


def _by_key(item: dict, path: str, errors: dict) -> tuple[dict, dict]:
    """Return the page with each group server's key replaced by ANY_ID, and the keys by place."""
    groups, keys = item.get("groups"), {}
    if not isinstance(groups, list):
        return item, keys
    shown = []
    for g, group in enumerate(groups):
        entries = group.get("servers") if isinstance(group, dict) else None
        if not isinstance(entries, list):
            shown.append(group)
            continue
        out = []
        for s, entry in enumerate(entries):
            key = entry if isinstance(entry, str) else None
            if isinstance(entry, dict):
                key = entry.get("server")
                if not isinstance(key, str):
                    errors[f"{path}.groups[{g}].servers[{s}].server"] = ["Must be a server key."]
            if isinstance(key, str):
                keys[(g, s)] = key
                entry = (entry if isinstance(entry, dict) else {}) | {"server": ANY_ID}
            out.append(entry)
        shown.append(group | {"servers": out})
    return item | {"groups": shown}, keys


def taken_slugs(owner_id: int, slugs: list[str]) -> set[str]:
    """Return those of the slugs that another user's pages have (slugs are global)."""
    stmt = select(StatusPage.slug).where(
        StatusPage.slug.in_(slugs), StatusPage.owner_id != owner_id
    )
    return set(db.session.scalars(stmt)) if slugs else set()


def plan_pages(owner_id, items, stored, server_keys, key_of, prune) -> KindPlan:
    """Plan the pages of a document against the stored ones ({slug: page})."""
    plan = KindPlan("status_page")
    schema = StatusPageSchema()
    slugs = [item.get("slug") for item in items if isinstance(item, dict)]
    taken = taken_slugs(owner_id, [slug for slug in slugs if isinstance(slug, str)])
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"status_pages[{index}]"
        if not isinstance(item, dict):
            plan.errors[path] = ["Must be a mapping (a status page)."]
            continue
        loadable, keys = _by_key(item, path, plan.errors)
        try:
            data = schema.load(loadable)
        except ValidationError as error:
            plan.errors |= flatten(path, error.messages, item)
            continue
        for (g, s), key in keys.items():
            data["groups"][g]["servers"][s]["server"] = key
        unknown = lambda key: f"Unknown server key '{key}'."  # noqa: E731
        for g, s, problem in group_problems(data["groups"], server_keys, unknown):
            plan.errors[f"{path}.groups[{g}].servers[{s}]"] = [problem]
        slug = data["slug"]
        if slug in taken:
            plan.errors[f"{path}.slug"] = ["slug already taken"]
        if slug in seen:
            plan.errors[f"{path}.slug"] = [f"Duplicate slug '{slug}' (also [{seen[slug]}])."]
        seen.setdefault(slug, index)
        if any(name.startswith(path + ".") for name in plan.errors):
            continue
        page = StatusPage(owner_id=owner_id, **data)
        current = stored.get(slug)
        before = exported_page(current, key_of) if current is not None else None
        after = exported_page(page, lambda key: key)
        plan.match(slug, current, page, before, after, diff, payload=data)
    for slug, page in stored.items():
        if slug not in seen:
            plan.left_out(slug, page, prune)
    return plan


def _with_ids(groups: list, server_ids: dict[str, int]) -> list:
    return [
        group
        | {"servers": [item | {"server": server_ids[item["server"]]} for item in group["servers"]]}
        for group in groups
    ]


def execute(plan: KindPlan, session, server_ids: dict[str, int]) -> None:
    """Write the pages' plan but its deletions (servers written and flushed: ids known)."""
    for stored, data in plan.updates:
        for name, value in data.items():
            setattr(stored, name, value)
        stored.groups = _with_ids(data["groups"], server_ids)
    for page in plan.creates:
        page.groups = _with_ids(page.groups, server_ids)
        session.add(page)
