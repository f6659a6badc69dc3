"""Apprise, the one module that imports it: checking a URL, and sending one message through it.

Imported when first used (a worker that never sends through Apprise never loads its ~20 MiB of
plugins). Quirks handled here (API-NEXT §8, measured with apprise 2.2.0):
- `Apprise.instantiate()` returns None for a URL it cannot use; it validates syntax only.
- A hanging service is bounded twice: `rto`/`cto` (read and connect timeouts, set on every URL)
  and a gevent.Timeout of APPRISE_TIMEOUT_S around the send. Not `notify(timeout=)`: any
  deadline (that one, or the asset's `service_timeout`, 60 s by default) makes Apprise run the
  send on its process-wide ThreadPoolExecutor of min(32, CPUs + 4) workers, 6 on two cores.
  In a mass outage every Apprise send of the worker queued behind those 6, hanging ones held
  them for `rto`, and healthy ones passed their deadline still queued ("Service 'JSON' did not
  finish within 0.000s", 1,036 of 5,700 in bench/notify/outage.py). With `service_timeout=0`,
  `async_mode=False` and no call timeout, the send runs in the calling greenlet.
- A read timeout is logged as "A Connection error occurred…", like a refused connection: an
  error that took the whole `rto` is counted as a timeout.
- `notify()` answers an AppriseResult: falsy on failure, with the provider's own error text in
  `.logs()` ("Failed to send JSON POST notification: Internal server error., error=500.").
  Apprise masks secrets in its logs (`secure_logging`); `redact` removes what remains of the URL.
- The asset loads no plugins from disk, keeps its persistent store in memory and allows no
  templates; no AppriseConfig source and no attachment ever comes from user input.
"""

import re
import time

import gevent

from pulseguard.checks.guard import Guard, guard_of
from pulseguard.notify import targets
from pulseguard.notify.channels import apprise_url, scheme_of, with_args
from pulseguard.notify.transport import Message, TransportError

# The schemes each first-class type must end up on (a Slack type never sends to json://).
PROTOCOLS = {
    "slack": {"slack"},
    "discord": {"discord"},
    "telegram": {"tgram"},
    "teams": {"workflow", "workflows"},
    "pagerduty": {"pagerduty"},
    "ntfy": {"ntfy", "ntfys"},
}
NOTIFY_TYPES = {
    "failure": "failure",
    "reminder": "failure",
    "degraded": "warning",
    "cert_expiring": "warning",
    "recovery": "success",
}
HTTP_ERROR = re.compile(r"error=(\d{3})")
TRANSIENT_CODES = {408, 425, 429}
LOUD = {"WARNING", "ERROR", "CRITICAL"}
_asset = None


def asset():
    """Return the AppriseAsset every call shares (no plugins from disk, storage in memory)."""
    global _asset
    if _asset is None:
        import apprise

        _asset = apprise.AppriseAsset(
            plugin_paths=[], storage_mode="memory", allow_templates=False,
            async_mode=False, service_timeout=0,
        )  # fmt: skip
    return _asset


def protocols(service) -> set[str]:
    found = set()
    for value in (service.protocol, service.secure_protocol):
        found |= {value} if isinstance(value, str) else set(value or ())
    return found


def url_error(
    channel: str, url: str, refused=lambda scheme: None, guard: Guard | None = None
) -> str | None:
    """Return why Apprise cannot send a type's URL, or None.

    `refused(scheme)` says why a plugin's scheme is not allowed (a native https URL is checked
    against the allow-list by the scheme of the plugin that parses it); `guard` refuses a
    literal internal address as the target (a name is checked when sent).
    """
    import apprise

    service = apprise.Apprise.instantiate(url, asset=asset())
    if service is None:
        if channel == "apprise" and scheme_of(url) in {"http", "https"}:
            return "Not an Apprise URL: use type 'webhook'"
        return "Not a valid Apprise URL" if channel == "apprise" else f"Not a valid {channel} URL"
    if channel in PROTOCOLS and not protocols(service) & PROTOCOLS[channel]:
        return f"Not a {channel} URL"
    if guard is not None and (blocked := targets.refusal(service, guard, resolve=False)):
        return blocked
    if scheme_of(url) in {"http", "https"}:
        errors = [refused(name) for name in sorted(protocols(service))]
        return errors[0] if errors and all(errors) else None
    return None


def redact(text: str, url: str) -> str:
    """Remove from a log text every token-like part of the URL (path segments, query values)."""
    parts = set(re.split(r"[/:@?&=#]+", url.split("://", 1)[-1]))
    for part in sorted(parts, key=len, reverse=True):
        if len(part) >= 6 and not re.fullmatch(r"[\d.]+|[a-z.-]+\.[a-z]{2,}", part):
            text = text.replace(part, "…")
    return text


class AppriseTransport:
    """Send a message to one Apprise URL built from a config (pulseguard/notify/channels.py)."""

    channel = "apprise"

    def __init__(self, config: dict):
        self.timeout_s = float(config.get("APPRISE_TIMEOUT_S", 10))
        self.io_timeout_s = float(config.get("APPRISE_IO_TIMEOUT_S", 4))
        self.guard = guard_of(config)

    def send(self, recipient: str, message: Message, settings: dict | None = None) -> None:
        """Deliver the message, or raise TransportError."""
        import apprise

        settings = settings or {}
        url = apprise_url(
            settings.get("channel", "apprise"), recipient, settings.get("options"),
            settings.get("dedup"),
        )  # fmt: skip
        seconds = f"{self.io_timeout_s:g}"
        url = with_args(url, {"rto": seconds, "cto": seconds})
        service = apprise.Apprise.instantiate(url, asset=asset())
        if service is None:
            raise TransportError("Not a valid Apprise URL", permanent=True)
        # Resolved and checked here; Apprise connects itself (the window left: notify/targets.py).
        if blocked := targets.refusal(service, self.guard):
            raise TransportError(blocked, permanent=True)
        sender = apprise.Apprise(asset=asset())
        sender.add(service)
        notify_type = NOTIFY_TYPES.get(message.event, "info")
        started = time.monotonic()
        try:
            with gevent.Timeout(self.timeout_s):
                result = sender.notify(
                    body=message.text, title=message.subject, notify_type=notify_type
                )
        except gevent.Timeout as error:
            took = f"Apprise did not finish within {self.timeout_s:g}s"
            raise TransportError(took, timeout=True) from error
        with result:
            if result:
                return
            status = result.status.name
            text = "; ".join(entry.message for entry in result.logs() if entry.level in LOUD)
        text = redact(text, url) or f"Apprise answered {status}"
        # A read timeout (rto) is logged as a bare "Connection error": known by how long it took.
        slow = time.monotonic() - started >= 0.95 * self.io_timeout_s and "Connection" in text
        if status == "TIMEOUT" or slow:
            raise TransportError(text, timeout=True)
        code = HTTP_ERROR.search(text)
        status_code = int(code.group(1)) if code else None
        permanent = status_code is not None and 400 <= status_code < 500
        raise TransportError(text, permanent=permanent and status_code not in TRANSIENT_CODES)
