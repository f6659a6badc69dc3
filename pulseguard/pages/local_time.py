"""Times on a public page, in the page's own zone (its `timezone`, where its days begin).

The JSON keeps every moment in UTC with its offset (`2026-03-29T00:30:00+00:00`, as §4's
example); only the HTML shows them as the page's readers live them, with the zone's
abbreviation, so that a reader in Berlin sees 03:30 CEST rather than 01:30 UTC, and the two
sides of a DST change each get their own abbreviation. The machine-readable `datetime`
attribute stays the UTC moment.
"""

from datetime import datetime
from zoneinfo import ZoneInfo


def local_text(moment: str, tz: ZoneInfo, seconds: bool = False) -> str:
    """Return an ISO moment as "2026-03-29 03:30 CEST" in the zone (with seconds if asked)."""
    local = datetime.fromisoformat(moment).astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")
