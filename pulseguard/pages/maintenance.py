"""A page's announced maintenance (§2, §4): windows in force or starting within 14 days.

A window shows on a page when it covers one of the servers the page shows (by id, tag or
all_servers, read as they are now) or names the page in `status_pages` (a pure announcement).
Only its name, sanitized description, times and the page's own component ids are public.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pulseguard.extensions import db
from pulseguard.models import MaintenanceWindow
from pulseguard.pages.ids import opaque
from pulseguard.pages.markup import markdown_html

UPCOMING = timedelta(days=14)


def page_windows(page, rows) -> list[tuple[MaintenanceWindow, list[int]]]:
    """Return [(window, ids of the page's servers it covers)] for the windows shown on a page."""
    stmt = (
        select(MaintenanceWindow)
        .where(MaintenanceWindow.owner_id == page.owner_id, MaintenanceWindow.enabled.is_(True))
        .options(selectinload(MaintenanceWindow.servers))
        .order_by(MaintenanceWindow.id)
    )
    out = []
    for window in db.session.scalars(stmt):
        covered = [row.id for row in rows if window.covers(row)]
        if covered or page.id in (window.status_pages or []):
            out.append((window, covered))
    return out


def announced(page, windows, component_ids: dict[int, str], now: datetime) -> dict:
    """Return {"active": [...], "upcoming": [...]} of a page's windows (page_windows)."""
    active, upcoming = [], []
    for window, covered in windows:
        shown = {
            "id": opaque("m", page.id, window.id),
            "title": window.name,
            "description_html": markdown_html(window.description),
            "components": [component_ids[sid] for sid in covered],
        }
        held = window.current(now)
        if held:
            active.append(shown | _times(held))
        following = [o for o in window.upcoming(now, 2) if o[0] <= now + UPCOMING]
        if following and (not held or following[0][0] != held[0]):
            upcoming.append(shown | _times(following[0]))
    upcoming.sort(key=lambda m: m["start"])
    return {"active": active, "upcoming": upcoming}


def next_boundary(windows, now: datetime) -> datetime | None:
    """Return the next moment one of a page's windows starts or ends (None: none ahead)."""
    moments = []
    for window, _covered in windows:
        held = window.current(now)
        if held and held[1]:
            moments.append(held[1])
        moments += [o[0] for o in window.upcoming(now, 1)]
    return min((m for m in moments if m > now), default=None)


def _times(occurrence) -> dict:
    start, end = occurrence
    # In UTC whatever zone the schedule runs in: the JSON's moments all read alike (§4).
    return {
        "start": start.astimezone(UTC).isoformat(),
        "end": end.astimezone(UTC).isoformat() if end else None,
    }
