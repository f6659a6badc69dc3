"""Webhook: POST the JSON payload, signed with HMAC-SHA256 when a secret is configured."""

import hashlib
import hmac
import json
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter

from pulseguard.checks.guard import BlockedConnectionError, Guard, guard_of, guard_pools
from pulseguard.notify.transport import Message, TransportError

SIGNATURE_HEADER = "X-PulseGuard-Signature"
MAX_REDIRECTS = 3
# Answers that may succeed later; any other 4xx means the receiver will never take it.
TRANSIENT_CODES = {408, 425, 429}


def sign(secret: str, body: bytes) -> str:
    """Return the signature header value of a body: "sha256=" and the hex HMAC."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def origin(url: str) -> tuple:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.hostname, parts.port


class GuardedAdapter(HTTPAdapter):
    """requests' adapter, connecting only to addresses the guard allows."""

    def __init__(self, guard: Guard):
        self.guard = guard
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        guard_pools(self.poolmanager, self.guard)


def blocked_reason(error: requests.RequestException) -> str | None:
    """Return the guard's refusal behind a requests error, or None."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return reason.blocked if isinstance(reason, BlockedConnectionError) else None


class WebhookTransport:
    """POST a message's payload to one URL."""

    channel = "webhook"

    def __init__(self, config: dict):
        self.secret = config.get("WEBHOOK_SECRET")
        self.timeout_s = float(config.get("WEBHOOK_TIMEOUT_S", 5))
        self.guard = guard_of(config)

    def send(self, recipient: str, message: Message, settings: dict | None = None) -> None:
        """Deliver the payload, or raise TransportError (signed with the config's own secret)."""
        secret = (settings or {}).get("secret") or self.secret
        body = json.dumps(message.payload, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "PulseGuard-Webhook/1.0",
            "X-PulseGuard-Event": message.event,
        }
        if secret:
            headers[SIGNATURE_HEADER] = sign(secret, body)
        url = recipient
        with requests.Session() as session:
            for scheme in ("http://", "https://"):
                session.mount(scheme, GuardedAdapter(self.guard))
            for _ in range(MAX_REDIRECTS + 1):
                response = self._post(session, url, body, headers)
                if not response.is_redirect:
                    return check(response)
                url = self._same_origin_redirect(url, response)
        raise TransportError(f"Webhook: more than {MAX_REDIRECTS} redirects", permanent=True)

    def _post(self, session, url, body, headers):
        try:
            return session.post(
                url, data=body, headers=headers, timeout=self.timeout_s, allow_redirects=False
            )
        except requests.Timeout as error:
            message = f"Webhook timed out after {self.timeout_s:g}s"
            raise TransportError(message, timeout=True) from error
        except requests.RequestException as error:
            if blocked := blocked_reason(error):
                raise TransportError(f"Webhook: {blocked}", permanent=True) from error
            raise TransportError(f"Webhook request failed: {error}") from error

    @staticmethod
    def _same_origin_redirect(url, response):
        target = urljoin(url, response.headers.get("Location", ""))
        if origin(target) != origin(url):
            raise TransportError(
                f"Webhook redirected to another host ({target}); not followed", permanent=True
            )
        return target


def check(response: requests.Response) -> None:
    """Accept a 2xx answer; raise for anything else, permanent for most 4xx."""
    code = response.status_code
    if 200 <= code < 300:
        return
    detail = response.text[:200].strip()
    message = f"Webhook answered HTTP {code}" + (f": {detail}" if detail else "")
    raise TransportError(message, permanent=400 <= code < 500 and code not in TRANSIENT_CODES)
