"""Saving a config: the server and owner, kept secrets, events in step with their aliases, and the
recipient checked for its type (the scheme allow-list first, then Apprise's own parser)."""

from flask import current_app
from flask_smorest import abort

from pulseguard.api import object_keys
from pulseguard.api.access import get_own_server
from pulseguard.api.notification_configs.schemas import SECRET_OPTIONS, recipient_error
from pulseguard.checks.guard import guard_of
from pulseguard.models import Channel, NotificationConfig
from pulseguard.notify.channels import (
    MASKED,
    OWN,
    RecipientError,
    apprise_url,
    mask,
    scheme_error,
    scheme_of,
)
from pulseguard.notify.events import DEFAULT_EVENTS, events_of
from pulseguard.security import current_user

ALIASES = (("notify_on_failure", "down"), ("notify_on_recovery", "recovery"))


def unprocessable(field: str, message: str):
    """Abort with a 422 at a field ("options.api_key" is nested, as flask-smorest nests it)."""
    errors: dict = {}
    where = errors
    *parents, leaf = field.split(".")
    for name in parents:
        where = where.setdefault(name, {})
    where[leaf] = [message]
    abort(422, errors={"json": errors})


def apply(config: NotificationConfig, data: dict) -> None:
    """Set validated fields on a config, checking the server, secrets and recipient together."""
    data = dict(data)
    user = current_user()
    if "server_id" in data:
        server_id = data.pop("server_id")
        if server_id is not None:
            config.owner_id = get_own_server(server_id).owner_id
        elif config.owner_id is None:
            config.owner_id = user.id
        config.server_id = server_id
    wanted = data.pop("key", None)
    by = "another config of this server" if config.server_id else "another of your wide configs"
    name = data.get("name") or config.name or data.get("notification_type") or "config"
    object_keys.assign(config, wanted, object_keys.sibling_config_keys(config), name, by)
    apply_fields(config, data, user.is_admin)


def apply_fields(
    config: NotificationConfig, data: dict, is_admin: bool, one_server: bool | None = None
) -> None:
    """Set the fields other than server and key, then check the whole (422 via abort)."""
    keep_stored_secrets(config, data)
    set_events(config, data)
    if "reminder_interval" in data:
        config.reminder_minutes = data.pop("reminder_interval") or None
    if data.get("enabled") and not config.enabled:
        config.consecutive_failures, config.disabled_reason = 0, None
    for key, value in data.items():
        setattr(config, key, value)
    check(config, is_admin, config.server_id is not None if one_server is None else one_server)


def keep_stored_secrets(config: NotificationConfig, data: dict) -> None:
    """A masked recipient sent back, a missing secret or api_key: keep the stored value."""
    if (
        config.id is not None
        and config.notification_type in MASKED
        and data.get("recipient") == mask(config.notification_type, config.recipient)
    ):
        data.pop("recipient")
    if "secret" in data:
        data["secret"] = data["secret"] or None
    if "options" in data:
        options = dict(data["options"])
        for key in SECRET_OPTIONS:
            if key not in options and key in (config.options or {}):
                options[key] = config.options[key]
        data["options"] = options


def set_events(config: NotificationConfig, data: dict) -> None:
    """Set `events` from the list or its aliases, and keep the two flags in step."""
    events = data.pop("events", None)
    if events is None:
        events = events_of(config) if config.id is not None else list(DEFAULT_EVENTS)
    for flag, event in ALIASES:
        if flag in data:
            wanted = data.pop(flag)
            events = [e for e in events if e != event] + ([event] if wanted else [])
    config.events = list(dict.fromkeys(events))
    config.notify_on_failure = "down" in config.events
    config.notify_on_recovery = "recovery" in config.events


def check(config: NotificationConfig, is_admin: bool, one_server: bool) -> None:
    """Answer 422 when the config cannot be delivered as it stands."""
    channel = config.notification_type
    if config.tags and one_server:
        unprocessable("tags", "Only for configs that cover every server (server: null).")
    if config.secret and channel != Channel.WEBHOOK:
        unprocessable("secret", "Only webhooks are signed.")
    if channel in OWN:
        error = recipient_error(channel, config.recipient)
        if error:
            unprocessable("recipient", error)
        return
    try:
        url = apprise_url(channel, config.recipient, config.options)
    except RecipientError as error:
        unprocessable(error.field, error.message)
    allowed = current_app.config.get("APPRISE_ALLOWED_SCHEMES")
    scheme = scheme_of(url)
    error = None if scheme in {"http", "https"} else scheme_error(scheme, is_admin, allowed)
    if error is None:
        from pulseguard.notify.apprise_channel import url_error

        guard = guard_of(current_app.config)
        error = url_error(channel, url, lambda name: scheme_error(name, is_admin, allowed), guard)
    if error:
        unprocessable("recipient", error)
