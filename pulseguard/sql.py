"""Small SQL helpers that several layers use."""

from typing import Any, cast

from sqlalchemy import Integer
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


def rowcount(result: Any) -> int:
    """The number of rows an UPDATE or DELETE matched (0 when the driver cannot say)."""
    return cast(CursorResult, result).rowcount or 0


def like_escape(text: str) -> str:
    """Escape LIKE's wildcards (and the escape character, a backslash) in user text."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class days_since(FunctionElement):  # noqa: N801 - used like a SQL function
    """The whole days from a date to a DATE column: `days_since(column, date)` in SQL."""

    type = Integer()
    inherit_cache = True


@compiles(days_since, "postgresql")
def _days_since_postgresql(element, compiler, **kw):
    day, origin = (compiler.process(c, **kw) for c in element.clauses)
    return f"({day} - CAST({origin} AS DATE))"


@compiles(days_since, "sqlite")
def _days_since_sqlite(element, compiler, **kw):
    day, origin = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({day}) - julianday({origin}) AS INTEGER)"
