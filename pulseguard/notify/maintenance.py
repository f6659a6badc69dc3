"""The notification of `maintenance` events: a window's start and end (§6), when the window has
`notify_start_end` (§2).

monitoring/maintenance.py hands over, after its commit, each window start or end it claimed
(one sweep claims each once: a compare-and-set of active_since). Each goes once to every
config that covers one of the window's servers and subscribes to `maintenance`
(notify/announce.py); `ref` names the window, the occurrence (its start) and start or end.
"""

from datetime import datetime

from pulseguard.notify.announce import announce


def window_facts(window, state: str, occurrence: datetime | None, servers) -> dict | None:
    """Return the announcement of a window's start ("active") or end ("ended"), or None when
    the window does not tell (notify_start_end off, or no servers covered)."""
    if not window.notify_start_end or not servers:
        return None
    began = occurrence.strftime("%Y-%m-%d %H:%M UTC") if occurrence else "?"
    word = "started" if state == "active" else "ended"
    return {
        "ref": f"window:{window.id}:{occurrence.isoformat() if occurrence else ''}:{state}",
        "servers": sorted(servers),
        "server_name": window.name,
        "status": "maintenance" if state == "active" else "",
        "headline": f"Maintenance {word}: {window.name}",
        "lines": [
            f"Maintenance window {window.name} {word} (the occurrence that began {began}).",
            f"Servers covered: {len(servers)}.",
        ],
        "extra": {"window": {"id": window.id, "name": window.name, "state": state}},
    }


def announce_windows(announcements: list[dict]) -> None:
    """Enqueue the messages of committed window starts and ends."""
    for facts in announcements:
        announce("maintenance", facts["servers"], facts)
