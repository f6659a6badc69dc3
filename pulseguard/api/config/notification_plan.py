"""Notification configs in a document: a server's under its `notifications`, the configs for
every server under `notification_configs`; matched by `key` within their server (or owner).

A server's configs are managed when its object has `notifications:` (even `[]`); the configs for
every server when the document has `notification_configs:` (even `[]`). Configs of a server the
apply deletes go with it. Each object is validated by NotificationConfigSchema and the API's own
`apply_fields` on a new config outside the session, then its export is compared with the stored
one's. Secrets: a recipient, `secret` or `options.api_key` that is null or absent (or the masked
recipient an export writes) keeps the stored value; a new config must give its recipient.
"""

from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from pulseguard.api.config.diff import diff
from pulseguard.api.config.kind_exports import exported_config
from pulseguard.api.config.paths import flatten
from pulseguard.api.config.plan import KindPlan
from pulseguard.api.notification_configs.apply import apply_fields
from pulseguard.api.notification_configs.schemas import NotificationConfigSchema
from pulseguard.models import NotificationConfig
from pulseguard.notify.channels import MASKED, mask
from pulseguard.notify.events import DEFAULT_EVENTS

DEFAULTS = {"name": None, "tags": [], "options": {}, "reminder_interval": 0, "max_reminders": 0}
SECRET = "<secret>"
NEEDS_RECIPIENT = (
    "Required for a new config (an export leaves secrets out: write it here, or export with "
    "secrets=include)."
)


class Scope:
    """Where configs are planned: one server's (key and Server) or the owner's wide ones."""

    def __init__(self, path: str, server_key: str | None, server, items):
        self.path, self.server_key, self.server, self.items = path, server_key, server, items


def scopes(document: dict, servers: dict) -> list[Scope]:
    """Return the scopes a document manages (servers: key -> Server, stored or planned)."""
    found = []
    for index, item in enumerate(document.get("servers") or []):
        if isinstance(item, dict) and "notifications" in item:
            key = item.get("key") if isinstance(item.get("key"), str) else None
            path = f"servers[{index}].notifications"
            found.append(
                Scope(path, key or f"servers[{index}]", servers.get(key), item["notifications"])
            )
    if "notification_configs" in document:
        found.append(Scope("notification_configs", None, None, document["notification_configs"]))
    return found


def plan_configs(owner_id, is_admin, document, servers, stored_configs, prune) -> KindPlan:
    """Plan the configs of a document; stored_configs: {(server key | None, key): config}."""
    plan = KindPlan("notification_config")
    schema = NotificationConfigSchema()
    for scope in scopes(document, servers):
        if not isinstance(scope.items, list):
            plan.errors[scope.path] = ["Must be a list."]
            continue
        seen: dict[str, int] = {}
        for index, item in enumerate(scope.items):
            path = f"{scope.path}[{index}]"
            key = item.get("key") if isinstance(item, dict) else None
            if isinstance(key, str) and key in seen:
                plan.errors[f"{path}.key"] = [f"Duplicate key '{key}' (also [{seen[key]}])."]
                continue
            stored = stored_configs.get((scope.server_key, key))
            planned = _one(plan, schema, owner_id, is_admin, scope, path, item, stored)
            if planned is None:
                continue
            config, data = planned
            seen[config.key] = index
            name = f"{scope.server_key}/{config.key}" if scope.server_key else config.key
            before = exported_config(stored) if stored is not None else None
            after = exported_config(config)
            plan.match(name, stored, (config, scope.server), before, after, _diff, data)
        for (server_key, key), stored in stored_configs.items():
            if server_key == scope.server_key and key not in seen:
                plan.left_out(f"{server_key}/{key}" if server_key else key, stored, prune)
    return plan


def _secrets(item: dict, stored, path: str, errors: dict) -> dict:
    """Fill the secrets the document leaves out (null, absent or masked) from the stored config."""
    item = dict(item)
    recipient = item.get("recipient")
    masked = stored is not None and recipient == mask(stored.notification_type, stored.recipient)
    if recipient is None or (masked and stored.notification_type in MASKED):
        if stored is None:
            errors[f"{path}.recipient"] = [NEEDS_RECIPIENT]
            return item
        item["recipient"] = stored.recipient
    if item.get("secret") is None:
        item["secret"] = stored.secret if stored is not None else None
    options = item.get("options") or {}
    stored_key = ((stored.options or {}) if stored is not None else {}).get("api_key")
    if isinstance(options, dict) and options.get("api_key") is None and stored_key:
        item["options"] = {**options, "api_key": stored_key}
    return item


def _one(plan, schema, owner_id, is_admin, scope, path, item, stored):
    """Validate one config; return (a new config built from it, its data), or None."""
    if not isinstance(item, dict):
        plan.errors[path] = ["Must be a mapping (a notification config)."]
        return None
    if item.get("server") is not None or (scope.server_key and "server" in item):
        where = "its server's object" if scope.server_key else "the server's `notifications`"
        plan.errors[f"{path}.server"] = [f"Not allowed here: list the config under {where}."]
        return None
    item = _secrets(item, stored, path, plan.errors)
    try:
        data = schema.load({**item, "server": None})
    except ValidationError as error:
        plan.errors = flatten(path, error.messages, item) | plan.errors  # "Required..." stays
        return None
    if f"{path}.recipient" in plan.errors:
        return None
    data.pop("server_id")
    key = data.pop("key")
    if key is None:
        plan.errors[f"{path}.key"] = ["Missing data for required field."]
        return None
    data = DEFAULTS | {"events": list(DEFAULT_EVENTS)} | data
    server_id = scope.server.id if scope.server is not None else None
    config = NotificationConfig(
        owner_id=owner_id, server_id=server_id, key=key, enabled=True, consecutive_failures=0
    )
    try:
        apply_fields(config, dict(data), is_admin, one_server=scope.server_key is not None)
    except HTTPException as error:
        messages = (getattr(error, "data", None) or {}).get("errors", {}).get("json", {})
        plan.errors |= flatten(path, messages or [error.description], item)
        return None
    return config, data


def _diff(before: dict, after: dict) -> dict:
    """The diff of two config exports, secrets never shown (only that they changed)."""
    changed = diff(before, after)
    secret_fields = {"secret", "options.api_key"}
    if after["notification_type"] in MASKED or before.get("notification_type") in MASKED:
        secret_fields.add("recipient")
    for name in secret_fields & changed.keys():
        old, new = changed[name]
        changed[name] = [
            None if old is None else SECRET,
            None if new is None else ("<secret changed>" if old is not None else SECRET),
        ]
    return changed


def execute(plan: KindPlan, session, is_admin: bool) -> None:
    """Write the configs' plan but its deletions (servers written and flushed first)."""
    for stored, data in plan.updates:
        apply_fields(stored, dict(data), is_admin, one_server=stored.server_id is not None)
    for config, server in plan.creates:
        if server is not None:
            config.server = server
        session.add(config)
