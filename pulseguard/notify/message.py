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
    "maintenance": "Maintenance",
    "incident_update": "Incident update",
    "cert_expiring": "Certificate expiring",
}
SUBJECT_MAX = 60  # characters: what a phone's lock screen shows of a subject


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
    server_key: str | None = None
    protocol: str | None = None
    # How long the state before lasted (a recovery: the outage), or a reminder's outage so far.
    lasted_s: float | None = None
    # The incident it is about: its id, start, and duration (so far, while open).
    incident_id: int | None = None
    incident_started: datetime | None = None
    incident_s: float | None = None
    # An announcement (notify/announce.py): its own headline, lines, ref and webhook fields.
    headline: str | None = None
    lines: tuple[str, ...] = ()
    ref: str | None = None
    extra: dict | None = None


def server_link(public_url: str, server_id: int | None) -> str:
    """Return the dashboard address of a server (of the dashboard, for no one server)."""
    if server_id is None:
        return f"{public_url.rstrip('/')}/"
    return f"{public_url.rstrip('/')}/servers/{server_id}"


def render(event: Notice, public_url: str) -> Message:
    """Render an event as a message for every channel."""
    link = server_link(public_url, event.server_id)
    when = event.at.strftime("%Y-%m-%d %H:%M:%S UTC")
    headline = event.headline or f"{HEADLINES[event.kind]}: {event.server_name}"
    if event.lines:
        lines = list(event.lines)
    elif event.kind == "test":
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
        if event.lasted_s is not None:
            lines.append(f"{LASTED[event.kind]} {duration(event.lasted_s)}.")
        if event.incident_id is not None:
            lines.append(incident_line(event))
    text = "\n".join([*lines, "", link, ""])
    html = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html += f'<p><a href="{escape(link, quote=True)}">{escape(link)}</a></p>'
    short = f"PulseGuard {headline} ({event.target}) {event.detail}".strip()
    return Message(
        event=event.kind,
        subject=subject(headline),
        text=text,
        html=f"<html><body>{html}</body></html>",
        payload=payload(event, link),
        short=short,
    )


def subject(headline: str) -> str:
    """Return "[PulseGuard] <headline>", cut to SUBJECT_MAX characters."""
    text = f"[PulseGuard] {headline}"
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1].rstrip() + "…"


def incident_line(event: Notice) -> str:
    """Name the incident and how long it has lasted."""
    took = duration(event.incident_s or 0)
    if event.kind == "recovery":
        return f"Incident #{event.incident_id} resolved after {took}."
    return f"Incident #{event.incident_id}, open for {took}."


LASTED = {"recovery": "It was down for", "reminder": "Down for", "failure": "It was up for"}


def duration(seconds: float) -> str:
    """Return a duration as people say it: 45 s, 12 min, 3 h 5 min, 2 d 4 h."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours < 1:
        return f"{minutes} min"
    if days < 1:
        return f"{hours} h {minutes % 60} min" if minutes % 60 else f"{hours} h"
    return f"{days} d {hours % 24} h" if hours % 24 else f"{days} d"


def payload(event: Notice, link: str) -> dict:
    """Return the webhook body (documented in README.md, "Webhook payload").

    It carries API.md's fields (`old_status`, `new_status`, `time`) and API-NEXT §6's
    (`status`, `previous_status`, `timestamp`, `incident`, `server.key`, `server.protocol`).
    """
    time = event.at.isoformat().replace("+00:00", "Z")
    server = {"id": event.server_id, "key": event.server_key, "name": event.server_name}
    return (event.extra or {}) | {
        "event": event.kind,
        "server": server | {"protocol": event.protocol, "target": event.target},
        "status": event.new_status,
        "previous_status": event.old_status,
        "old_status": event.old_status,
        "new_status": event.new_status,
        "message": event.detail,
        "incident": None
        if event.incident_id is None
        else {
            "id": event.incident_id,
            "started_at": event.incident_started.isoformat().replace("+00:00", "Z")
            if event.incident_started
            else None,
            "duration_seconds": None if event.incident_s is None else round(event.incident_s),
        },
        "lasted_seconds": None if event.lasted_s is None else round(event.lasted_s),
        "timestamp": time,
        "time": time,
        "status_change_id": event.status_change_id,
        "url": link,
    }
