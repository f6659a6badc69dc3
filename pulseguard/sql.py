"""Small SQL helpers that several layers use."""

from typing import Any, cast

from sqlalchemy.engine import CursorResult


def rowcount(result: Any) -> int:
    """The number of rows an UPDATE or DELETE matched (0 when the driver cannot say)."""
    return cast(CursorResult, result).rowcount or 0


def like_escape(text: str) -> str:
    """Escape LIKE's wildcards (and the escape character, a backslash) in user text."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
