"""Which host an Apprise service connects to, and whether the target guard lets it.

TARGET_DENY_NETWORKS / TARGET_ALLOW_NETWORKS (pulseguard/checks/guard.py) apply to Apprise URLs
as to webhooks. A plugin whose URL names the host it talks to (its templates have `{host}`:
json://, xml://, form://, a self-hosted ntfy, gotify, matrix, mailto's SMTP server, ...) is
checked on that host; one that always talks to its provider's own API (slack://, discord://,
tgram://, ntfy's cloud mode) cannot be aimed at an internal address and is not checked.

Apprise makes its own connections (a `requests` call per plugin, in its own thread pool), so the
connection cannot be pinned to the checked address as webhooks and checks are: the name is
resolved here, every address it resolves to must be allowed (one refused address blocks the
whole target), and Apprise resolves it again a moment later. What remains is a DNS-rebinding
window of that moment; a literal address has none, and is refused when the config is saved.
"""

import socket

from pulseguard.checks.guard import Guard


def target_host(service) -> tuple[str, int | None] | None:
    """Return (host, port) that an Apprise service connects to, or None for a fixed provider."""
    if getattr(service, "mode", None) == "cloud":
        return None  # ntfy://topic goes to ntfy.sh
    if not any("{host}" in template for template in getattr(service, "templates", ())):
        return None
    host = getattr(service, "smtp_host", None) or getattr(service, "host", None)
    if not host:
        return None
    return str(host).strip("[]"), getattr(service, "port", None)


def refusal(service, guard: Guard, resolve: bool = True) -> str | None:
    """Return why the guard refuses a service's target (naming the address), or None.

    Without `resolve`, only a literal address is checked (at save time; names are checked when
    sent). A name that does not resolve is left to Apprise, whose own error is recorded.
    """
    if not guard.deny:
        return None
    target = target_host(service)
    if target is None:
        return None
    host, port = target
    why = guard.refusal(host)
    if why is not None or not resolve:
        return why
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    for *_, address in infos:
        why = guard.refusal(str(address[0]))
        if why is not None:
            return why
    return None
