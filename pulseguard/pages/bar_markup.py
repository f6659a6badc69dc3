"""The HTML of a page's daily bars, each distinct bar rendered once.

Most days of most servers are the same shared dict (monitoring/bars.daily_bars), so a 500-server
page of 90 days renders a few thousand `<li>`s instead of 45,000 through the template loop.
Each bar keeps its figures as a tooltip (`title`); screen readers get one summary per component
instead (the list's label: days per status, then each day that was not plainly operational),
not 90 list items each (a `<span>` per bar was 2 MB of a 500-server page).
"""

import math
from collections import Counter

from markupsafe import Markup, escape


def bar_title(d: dict) -> str:
    """Return one day's figures in words: "2026-10-21: outage, 99.50%, down 30 min"."""
    title = f"{d['date']}: {d['status'].replace('_', ' ')}"
    if d["uptime_pct"] is not None:
        title += f", {d['uptime_pct']:.2f}%"
    if d["downtime_seconds"]:
        title += f", down {math.ceil(d['downtime_seconds'] / 60)} min"
    if d["maintenance_seconds"]:
        title += f", maintenance {math.ceil(d['maintenance_seconds'] / 60)} min"
    count = len(d.get("incidents") or ())
    if count:
        title += f", {count} incident{'s' if count > 1 else ''}"
    return title


def bar_item(d: dict) -> str:
    """Return one day's `<li>`: its status as a class, its figures as a tooltip."""
    marked = " has-incident" if d.get("incidents") else ""
    return f'<li class="bar s-{escape(d["status"])}{marked}" title="{escape(bar_title(d))}"></li>'


def bars_summary(days: list[dict], timezone: str) -> str:
    """Return a component's bars in one sentence for screen readers: the days per status, then
    the figures of each day that was not plainly operational (or without data)."""
    counts = Counter(d["status"] for d in days)
    order = ["operational", "degraded", "outage", "maintenance", "no_data"]
    order += sorted(set(counts) - set(order))
    tally = ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in order if counts[s])
    text = f"Daily status over the last {len(days)} days ({timezone}): {tally}."
    notable = [
        bar_title(d)
        for d in days
        if d["status"] not in ("operational", "no_data") or d.get("incidents")
    ]
    return text + "".join(f" {line}." for line in notable)


def bars_html(components: dict, timezone: str) -> dict[str, tuple[Markup, str]]:
    """Return {component id: (the `<li>`s of its bars, their summary)} for a bars answer."""
    rendered: dict[int, str] = {}
    summaries: dict[int, str] = {}
    out = {}
    for cid, days in components.items():
        parts = []
        for d in days:
            key = id(d)
            if key not in rendered:
                rendered[key] = bar_item(d)
            parts.append(rendered[key])
        if id(days) not in summaries:  # a server up throughout shares its list with the others
            summaries[id(days)] = bars_summary(days, timezone)
        out[cid] = (Markup("".join(parts)), summaries[id(days)])
    return out
