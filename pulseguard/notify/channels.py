"""The types sent through Apprise: how each recipient becomes an Apprise URL, and is checked.

Apprise itself is only imported in pulseguard/notify/apprise_channel.py (its one module); this
module decides what a recipient means. Apprise 2.2 quirks it handles (API-NEXT §8):
- Apprise validates syntax only (`pover://short@short` parses), which is why the test route exists.
- Telegram's `https://api.telegram.org/bot…` and an ntfy server's own `https://host/topic` are not
  parsed natively: telegram takes `<bot_token>/<chat_id>` (or `tgram://`), ntfy's https URLs are
  rewritten to `ntfys://host/topic`.
- There is no `msteams://` any more: Teams means a Workflows (Power Automate) URL, and an old Office
  365 connector URL is refused with a message that says so.
- `syslog`/`rsyslog` write to the host's logs (admins only); the desktop schemes talk to the
  worker's own desktop and are never allowed.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pulseguard.models import Channel

# Delivered by PulseGuard's own transports; every other type goes through Apprise.
OWN = {Channel.EMAIL, Channel.WEBHOOK, Channel.SMS}
# Types whose recipient is a secret (a token in a URL): answered masked.
MASKED = set(Channel) - {Channel.EMAIL, Channel.SMS}
LOCAL_SCHEMES = {"windows", "macosx", "dbus", "qt", "kde", "glib", "gio", "gnome"}
ADMIN_SCHEMES = {"syslog", "rsyslog"}
# Query arguments a user may not set: attachments are never sent.
DROPPED_ARGS = {"attach"}
NTFY_PRIORITIES = {1: "min", 2: "low", 3: "default", 4: "high", 5: "max"}
TELEGRAM = re.compile(r"^(?P<token>\d+:[A-Za-z0-9_-]{20,})/(?P<chat>-?\d+|@\w+)$")
PAGERDUTY_KEY = re.compile(r"^[A-Za-z0-9_+-]{8,64}$")
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)


class RecipientError(ValueError):
    """A recipient (or option) that a type cannot use; `field` is where the 422 points."""

    def __init__(self, message: str, field: str = "recipient"):
        super().__init__(message)
        self.message = message
        self.field = field


def scheme_of(url: str) -> str:
    """Return the lowercased scheme of a URL, or "" when it has none."""
    match = SCHEME.match(url or "")
    return match.group(1).lower() if match else ""


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _slack(recipient: str, options: dict) -> str:
    if scheme_of(recipient) == "slack":
        return recipient
    if recipient.startswith("https://hooks.slack.com/services/"):
        return recipient
    raise RecipientError(
        "Must be a Slack incoming-webhook URL (https://hooks.slack.com/services/T…/B…/…) or slack://…"
    )


def _discord(recipient: str, options: dict) -> str:
    if scheme_of(recipient) == "discord":
        return recipient
    if host_of(recipient) in {"discord.com", "discordapp.com"} and "/api/webhooks/" in recipient:
        return recipient
    raise RecipientError(
        "Must be a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>) or discord://…"
    )


def _telegram(recipient: str, options: dict) -> str:
    if scheme_of(recipient) == "tgram":
        url = recipient
    else:
        match = TELEGRAM.match(recipient)
        if not match:
            raise RecipientError(
                "Must be <bot_token>/<chat_id>, like 123456:ABC-your-token/-1001234567890, or tgram://…"
            )
        url = f"tgram://{match['token']}/{match['chat']}"
    return with_args(url, {"silent": "yes"} if options.get("silent") else {})


def _teams(recipient: str, options: dict) -> str:
    host = host_of(recipient)
    if host.endswith(".webhook.office.com") or host == "outlook.office.com":
        raise RecipientError("Office 365 connectors are retired; use a Workflows URL")
    if scheme_of(recipient) in {"workflows", "workflow"}:
        return recipient
    if scheme_of(recipient) == "https" and (
        host.endswith(".logic.azure.com") or host.endswith(".powerplatform.com")
    ):
        return recipient
    raise RecipientError(
        "Must be a Teams Workflows URL (https://….logic.azure.com/… or "
        "https://….powerplatform.com/…) or workflows://…"
    )


def _pagerduty(recipient: str, options: dict) -> str:
    if not PAGERDUTY_KEY.match(recipient):
        raise RecipientError("Must be the integration's routing key (Events API v2).")
    api_key = options.get("api_key")
    if not api_key:
        raise RecipientError("Required for pagerduty.", field="options.api_key")
    args = {"action": "map"}
    if options.get("severity"):
        args["severity"] = options["severity"]
    return with_args(f"pagerduty://{recipient}@{api_key}", args)


def _ntfy(recipient: str, options: dict) -> str:
    scheme = scheme_of(recipient)
    if scheme in {"ntfy", "ntfys"}:
        url = recipient
    elif scheme in {"http", "https"} and host_of(recipient) and urlsplit(recipient).path.strip("/"):
        parts = urlsplit(recipient)
        url = urlunsplit(("ntfys" if scheme == "https" else "ntfy", *parts[1:]))
    else:
        raise RecipientError(
            "Must be https://ntfy.sh/<topic>, https://<your server>/<topic> or ntfy(s)://…"
        )
    priority = options.get("priority")
    return with_args(url, {"priority": NTFY_PRIORITIES[priority]} if priority else {})


def _apprise(recipient: str, options: dict) -> str:
    if not scheme_of(recipient):
        raise RecipientError("Not a valid Apprise URL")
    return recipient


BUILDERS = {
    Channel.SLACK: _slack,
    Channel.DISCORD: _discord,
    Channel.TELEGRAM: _telegram,
    Channel.TEAMS: _teams,
    Channel.PAGERDUTY: _pagerduty,
    Channel.NTFY: _ntfy,
    Channel.APPRISE: _apprise,
}


def with_args(url: str, args: dict) -> str:
    """Return the URL with these query arguments set (replacing any of the same name)."""
    base, _, query = url.partition("?")  # not urlsplit: it turns "syslog://" into "syslog:"
    pairs = parse_qsl(query, keep_blank_values=True)
    pairs = [(k, v) for k, v in pairs if k not in args and k not in DROPPED_ARGS]
    pairs += list(args.items())
    return f"{base}?{urlencode(pairs)}" if pairs else base


def apprise_url(channel: str, recipient: str, options: dict | None, dedup: str | None = None):
    """Return the Apprise URL a config sends to (raise RecipientError when it has none)."""
    url = BUILDERS[Channel(channel)]((recipient or "").strip(), options or {})
    if channel == Channel.PAGERDUTY and dedup:
        url = with_args(url, {"dedup": dedup})
    return with_args(url, {})  # drops what users may not set


def allowed_schemes(configured: str | None) -> set[str] | None:
    """Return the schemes APPRISE_ALLOWED_SCHEMES lists, or None for the default rule."""
    names = {name.strip().lower() for name in (configured or "").split(",") if name.strip()}
    return names or None


def scheme_error(scheme: str, is_admin: bool, configured: str | None) -> str | None:
    """Return why a scheme may not be used (by this user), or None."""
    allowed = allowed_schemes(configured)
    if scheme in LOCAL_SCHEMES or (allowed is not None and scheme not in allowed):
        return f"Scheme '{scheme}' is not allowed"
    if scheme in ADMIN_SCHEMES and not is_admin:
        return f"Scheme '{scheme}' is not allowed"
    return None


def mask(channel: str, recipient: str) -> str:
    """Return the recipient as answered: its scheme (a webhook's host too) and last 4 characters."""
    if channel not in MASKED:
        return recipient
    tail = recipient[-4:] if len(recipient) >= 12 else ""
    scheme = scheme_of(recipient)
    if channel == Channel.WEBHOOK and scheme:
        return f"{scheme}://{host_of(recipient)}/…{tail}"
    return f"{scheme}://…{tail}" if scheme else f"…{tail}"
