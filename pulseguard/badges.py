"""Badges as SVG (pybadges) and as shields.io endpoint JSON: the one module that uses pybadges.

pybadges quirks handled here: it renders the flat style only; it escapes its texts itself
(`<script>` comes out as text); and it would fetch a `logo` URL when `embed_logo` is set, so no
logo is ever passed. Colours are shields.io's names, mapped to the hex values shields uses.
pybadges is imported at the first badge: it costs seconds of start-up on a loaded machine.
"""

COLORS = {
    "brightgreen": "#4c1",
    "green": "#97ca00",
    "yellowgreen": "#a4a61d",
    "yellow": "#dfb317",
    "orange": "#fe7d37",
    "red": "#e05d44",
    "blue": "#007ec6",
    "lightgrey": "#9f9f9f",
}
LABEL_MAX = 40


def svg(label: str, message: str, color: str) -> str:
    """Return the SVG of a flat badge."""
    import pybadges

    return pybadges.badge(
        left_text=label[:LABEL_MAX], right_text=message, right_color=COLORS.get(color, color)
    )


def endpoint_json(label: str, message: str, color: str, cache_seconds: int = 300) -> dict:
    """Return the shields.io endpoint schema of a badge (isError for an unknown state)."""
    body = {
        "schemaVersion": 1,
        "label": label[:LABEL_MAX],
        "message": message,
        "color": color,
        "cacheSeconds": cache_seconds,
    }
    if message in ("unknown", "not found"):
        body["isError"] = True
    return body
