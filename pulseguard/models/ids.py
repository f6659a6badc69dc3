"""`column IN (ids)` for the batches of the check path, one parameter on PostgreSQL.

SQLAlchemy expands `in_([...])` into one placeholder per id, so a batch of 250 servers is a
query text of its own for each batch size, longer than psycopg caches (4 KiB): psycopg parsed it
again at every execution (4.5 % of a worker at 1,600 checks/s) and PostgreSQL planned it again.
`= ANY(%s)` with an int array is one short text whatever the batch: parsed once, and prepared by
psycopg after a few executions. SQLite keeps IN.
"""

from collections.abc import Iterable

from sqlalchemy import ARRAY, Integer, any_, bindparam
from sqlalchemy.sql.elements import ColumnElement


def ids_in(column, ids: Iterable[int], dialect: str) -> ColumnElement[bool]:
    """The condition `column in ids` (integer ids) for a connection of this dialect name."""
    ids = list(ids)
    if dialect == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)
