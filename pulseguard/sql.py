"""Small SQL helpers that several layers use."""

from typing import Any, cast

from sqlalchemy.engine import CursorResult


def rowcount(result: Any) -> int:
    """The number of rows an UPDATE or DELETE matched (0 when the driver cannot say)."""
    return cast(CursorResult, result).rowcount or 0
