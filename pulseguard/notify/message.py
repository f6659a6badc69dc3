"""What a notification says: one rendering of an event for email, webhook and SMS."""

from dataclasses import dataclass
from datetime import datetime
from html import escape

from pulseguard.notify.transport import Message

HEADLINES = {
    "failure": "DOWN",
    "degraded": "DEGRADED",
    "recovery": "UP again",
    "reminder": "STILL DOWN",
    "test": "Test notification",
    "disabled": "Notifications disabled",
}


@dataclass(frozen=True)
class Notice:
    """The facts a message is made of, read from the database before sending."""

    kind: str  # failure | recovery | reminder | test
    server_id: int | None  # None: about every server of an owner (a test of an owner-wide config)
    server_name: str
    target: str
    old_status: str
    new_status: str
    detail: str
    at: datetime
    status_change_id: int | None = None


def server_link(public_url: str, server_id: int | None) -> str:
    """Return the dashboard address of a server (of the dashboard, for no one server)."""
    if server_id is None:
        return f"{public_url.rstrip('/')}/"
    return f"{public_url.rstrip('/')}/servers/{server_id}"


def render(event: Notice, public_url: str) -> Message:
    """Render an event as a message for every channel."""
    link = server_link(public_url, event.server_id)
    when = event.at.strftime("%Y-%m-%d %H:%M:%S UTC")
    headline = f"{HEADLINES[event.kind]}: {event.server_name}"
    if event.kind == "test":
        lines = [f"This is a test notification from PulseGuard for {event.server_name}."]
    elif event.kind == "disabled":
        lines = [
            f"PulseGuard stopped sending to your {event.target} notification "
            f"{event.server_name}: {event.detail}",
            "Fix its recipient, send a test, and enable it again in the dashboard.",
        ]
    else:
        lines = [
            f"{event.server_name} ({event.target}) is {event.new_status} "
            f"(was {event.old_status}) since {when}.",
            f"Reason: {event.detail or '-'}",
        ]
    text = "\n".join([*lines, "", link, ""])
    html = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html += f'<p><a href="{escape(link, quote=True)}">{escape(link)}</a></p>'
    short = f"PulseGuard {headline} ({event.target}) {event.detail}".strip()
    return Message(
        event=event.kind,
        subject=f"[PulseGuard] {headline}",
        text=text,
        html=f"<html><body>{html}</body></html>",
        payload=payload(event, link),
        short=short,
    )


def payload(event: Notice, link: str) -> dict:
    """Return the webhook body (documented in README.md, "Webhook payload")."""
    return {
        "event": event.kind,
        "server": {"id": event.server_id, "name": event.server_name, "target": event.target},
        "old_status": event.old_status,
        "new_status": event.new_status,
        "message": event.detail,
        "time": event.at.isoformat().replace("+00:00", "Z"),
        "status_change_id": event.status_change_id,
        "url": link,
    }
