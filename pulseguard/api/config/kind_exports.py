"""How notification configs, maintenance windows and status pages are written in a document.

Each is its resource's own API answer without the read-only fields, references by key instead of
ids: a window's servers by key and its status pages by slug, a page's servers by key (a plain
key, or `{server, display_name}`). Lists of references are sorted, so the order they were given
in is no change. A config's secrets (a masked type's recipient, a webhook's `secret`, PagerDuty's
`options.api_key`) are in plain text here: snapshot.document masks or drops them.
"""

from collections.abc import Callable

from marshmallow import Schema

from pulseguard.api.config.document import declarative
from pulseguard.api.maintenance_windows.schemas import MaintenanceWindowSchema
from pulseguard.api.notification_configs.schemas import SECRET_OPTIONS, NotificationConfigSchema
from pulseguard.api.status_pages.schemas import StatusPageSchema

ALIASES = ("notify_on_failure", "notify_on_recovery", "reminder_minutes", "server")
CONFIG_FIRST = ("key", "name", "notification_type", "recipient")


def _lean(schema_class: type[Schema], also: tuple[str, ...] = ()) -> Schema:
    fields = schema_class._declared_fields.items()
    return schema_class(exclude=[name for name, f in fields if f.dump_only] + list(also))


_schemas: dict[str, Schema] = {}


def _schema(name: str) -> Schema:
    if not _schemas:
        _schemas["config"] = _lean(NotificationConfigSchema, ALIASES)
        _schemas["window"] = _lean(MaintenanceWindowSchema, ("servers", "status_pages"))
        _schemas["page"] = _lean(StatusPageSchema, ("groups",))
    return _schemas[name]


def exported_config(config) -> dict:
    """Return a notification config as a document writes it, secrets in plain text."""
    schema = _schema("config")
    data = declarative(schema, schema.dump(config))
    data["recipient"] = config.recipient
    options = config.options or {}
    data["options"] |= {key: options[key] for key in SECRET_OPTIONS if key in options}
    data["secret"] = config.secret or None
    first = {name: data.pop(name) for name in CONFIG_FIRST}
    return first | data


def exported_window(window, slug_of: Callable[[object], str | None]) -> dict:
    """Return a maintenance window: its servers by key, its status pages by slug."""
    schema = _schema("window")
    data = {"key": window.key} | declarative(schema, schema.dump(window))
    data["servers"] = sorted(server.key for server in window.servers)
    slugs = (slug_of(ref) for ref in window.status_pages or [])
    data["status_pages"] = sorted(slug for slug in slugs if slug is not None)
    return data


def exported_page(page, key_of: Callable[[object], str | None]) -> dict:
    """Return a status page: its groups' servers by key (servers deleted since drop out)."""
    schema = _schema("page")
    data = declarative(schema, schema.dump(page))
    groups = []
    for group in page.groups or []:
        entries = []
        for item in group["servers"]:
            key = key_of(item["server"])
            if key is None:
                continue
            shown = item.get("display_name")
            entries.append({"server": key, "display_name": shown} if shown else key)
        groups.append({"name": group["name"], "servers": entries})
    first = {"slug": data.pop("slug"), "title": data.pop("title")}
    return first | data | {"groups": groups}
