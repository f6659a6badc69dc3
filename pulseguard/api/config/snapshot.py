"""A user's whole configuration: loaded once per export or apply, written as a document.

`full()` is the account in one canonical form, every kind, secrets in plain text; it is what
an apply compares with and what the revision (the export's ETag) hashes, secrets as digests, so
that any change of any kind, a secret included, is a new revision. `document()` is what an
export shows: the kinds asked for, a server's configs under its `notifications`, the configs for
every server under `notification_configs`, secrets masked or left out unless asked for.
"""

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from pulseguard.api.config.document import VERSION, exported, owned_servers, revision
from pulseguard.api.config.kind_exports import exported_config, exported_page, exported_window
from pulseguard.extensions import db
from pulseguard.models import MaintenanceWindow, NotificationConfig, Server, StatusPage
from pulseguard.notify.channels import MASKED, mask

KINDS = ("servers", "notification_configs", "maintenance_windows", "status_pages")


@dataclass
class Account:
    servers: list[Server]
    configs: list[NotificationConfig]
    windows: list[MaintenanceWindow]
    pages: list[StatusPage]

    def key_of(self, server_id) -> str | None:
        if not hasattr(self, "_keys"):
            self._keys = {server.id: server.key for server in self.servers}
        return self._keys.get(server_id) if isinstance(server_id, int) else server_id

    def slug_of(self, page_id) -> str | None:
        if not hasattr(self, "_slugs"):
            self._slugs = {page.id: page.slug for page in self.pages}
        return self._slugs.get(page_id) if isinstance(page_id, int) else page_id


def _owned(model, owner_id: int) -> list:
    return list(db.session.scalars(select(model).where(model.owner_id == owner_id)))


def load(owner_id: int) -> Account:
    """Load every object of a user that a document holds."""
    return Account(
        owned_servers(owner_id),
        _owned(NotificationConfig, owner_id),
        _owned(MaintenanceWindow, owner_id),
        _owned(StatusPage, owner_id),
    )


def config_entries(account: Account) -> list[tuple[str | None, dict]]:
    """Return (server key or None for every server, export) per config, in document order."""
    entries = []
    for config in account.configs:
        server_key = None if config.server_id is None else account.key_of(config.server_id)
        if config.server_id is None or server_key is not None:
            entries.append((server_key, exported_config(config)))
    return sorted(entries, key=lambda entry: (entry[0] or "", entry[1]["key"]))


def full(account: Account, servers: dict[str, dict] | None = None) -> dict:
    """Return the account in canonical form (servers: their exports by key, when known)."""
    servers = servers if servers is not None else {s.key: exported(s) for s in account.servers}
    return {
        "servers": [servers[key] for key in sorted(servers)],
        "notification_configs": [
            {"server": server_key} | data for server_key, data in config_entries(account)
        ],
        "maintenance_windows": sorted(
            (exported_window(w, account.slug_of) for w in account.windows),
            key=lambda data: data["key"],
        ),
        "status_pages": sorted(
            (exported_page(p, account.key_of) for p in account.pages),
            key=lambda data: data["slug"],
        ),
    }


def digest(value: str | None) -> str | None:
    return None if value is None else hashlib.sha256(value.encode()).hexdigest()[:16]


def secrets_hidden(config: dict, show) -> dict:
    """Return a config export with its secrets passed through show(name, value)."""
    out = dict(config)
    if config["notification_type"] in MASKED:
        out["recipient"] = show("recipient", config["recipient"])
    out["secret"] = show("secret", config.get("secret"))
    if "api_key" in config.get("options", {}):
        out["options"] = dict(
            config["options"], api_key=show("api_key", config["options"]["api_key"])
        )
    return out


def revision_of(canonical: dict) -> str:
    """Return the revision of an account's canonical form (secrets hashed)."""
    configs = canonical["notification_configs"]
    hidden = [secrets_hidden(config, lambda _name, value: digest(value)) for config in configs]
    return revision(canonical | {"notification_configs": hidden})


def _shown(config: dict, with_secrets: bool) -> dict:
    out = {name: value for name, value in config.items() if name != "server"}
    if with_secrets:
        if out.get("secret") is None:
            out.pop("secret")
        return out
    out.pop("secret")
    out["options"] = {k: v for k, v in out["options"].items() if k != "api_key"}
    if out["notification_type"] in MASKED:
        out["recipient"] = mask(out["notification_type"], out["recipient"])
    return out


def document(canonical: dict, include: tuple[str, ...] = KINDS, secrets: bool = False) -> dict:
    """Return the export document of the kinds asked for (secrets: in plain text)."""
    out: dict = {"version": VERSION}
    configs = canonical["notification_configs"]
    if "servers" in include:
        servers = [dict(server) for server in canonical["servers"]]
        if "notification_configs" in include:
            by_server: dict[str, list] = {}
            for config in configs:
                if config["server"] is not None:
                    by_server.setdefault(config["server"], []).append(_shown(config, secrets))
            for server in servers:
                server["notifications"] = by_server.get(server["key"], [])
        out["servers"] = servers
    if "notification_configs" in include:
        wide = [config for config in configs if config["server"] is None]
        out["notification_configs"] = [_shown(config, secrets) for config in wide]
    for kind in ("maintenance_windows", "status_pages"):
        if kind in include:
            out[kind] = canonical[kind]
    return out
