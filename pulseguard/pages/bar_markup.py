"""The HTML of a page's daily bars, each distinct bar rendered once.

Most days of most servers are the same shared dict (monitoring/bars.daily_bars), so a 500-server
page of 90 days renders a few thousand `<li>`s instead of 45,000 through the template loop.
"""

import math

from markupsafe import Markup, escape


def bar_item(d: dict) -> str:
    """Return one day's `<li>`: its status as a class, its figures as a title and as text."""
    status = d["status"].replace("_", " ")
    title = f"{d['date']}: {status}"
    if d["uptime_pct"] is not None:
        title += f", {d['uptime_pct']:.2f}%"
    if d["downtime_seconds"]:
        title += f", down {math.ceil(d['downtime_seconds'] / 60)} min"
    if d["maintenance_seconds"]:
        title += f", maintenance {math.ceil(d['maintenance_seconds'] / 60)} min"
    return (
        f'<li class="bar s-{escape(d["status"])}" title="{escape(title)}">'
        f'<span class="sr">{escape(d["date"])}: {escape(status)}</span></li>'
    )


def bars_html(components: dict) -> dict[str, Markup]:
    """Return {component id: the `<li>`s of its bars} for a page's bars answer."""
    rendered: dict[int, str] = {}
    out = {}
    for cid, days in components.items():
        parts = []
        for d in days:
            key = id(d)
            if key not in rendered:
                rendered[key] = bar_item(d)
            parts.append(rendered[key])
        out[cid] = Markup("".join(parts))
    return out
