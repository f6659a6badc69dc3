"""A page's Markdown description as safe HTML: `markdown` renders it, `nh3` (Ammonia) cleans it.

nh3's defaults keep ordinary formatting and links (with rel="noopener noreferrer") and drop
scripts, event handlers, styles and `javascript:` URLs.
"""

import markdown
import nh3


def markdown_html(text: str) -> str:
    """Return the sanitized HTML of a Markdown text."""
    if not text:
        return ""
    return nh3.clean(markdown.markdown(text, extensions=["sane_lists"]))
