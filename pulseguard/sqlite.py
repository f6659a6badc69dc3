"""SQLite under gevent: connection pragmas, and WAL checkpoints off the event loop.

Every SQLite call blocks the whole gevent process. Commits in WAL mode with synchronous=NORMAL do
not fsync; a checkpoint does (it copies the WAL back into the database file), and by default it
runs inside whichever commit crosses 1,000 WAL pages. On a busy disk one fsync took 372 ms here,
and one embedded benchmark run saw every probe ~1.9 s late at once. So the embedded process turns
automatic checkpoints off and runs them in a native thread, where the fsync blocks only that thread.
"""

import logging
from contextlib import closing

import gevent
from gevent import get_hub
from sqlalchemy import event

log = logging.getLogger(__name__)


def pragmas(dbapi_connection, _record) -> None:
    """Enforce foreign keys (and so cascades) on SQLite, and let readers run beside a writer."""
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync per commit (blocks gevent)
    cursor.close()


def no_auto_checkpoint(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


def checkpoint(path: str) -> tuple[int, int, int]:
    """Checkpoint the WAL without blocking writers; return (busy, WAL frames, frames copied)."""
    import sqlite3  # here: processes on PostgreSQL never load SQLite

    with closing(sqlite3.connect(path, timeout=5)) as connection:
        return tuple(connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())


def checkpoint_in_thread(engine, every_s: float) -> gevent.Greenlet | None:
    """Turn the engine's automatic checkpoints off and checkpoint every_s in a native thread.

    Returns the greenlet that schedules them, or None when the engine is not a SQLite file.
    """
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        return None
    if not event.contains(engine, "connect", no_auto_checkpoint):
        event.listen(engine, "connect", no_auto_checkpoint)
    engine.dispose()  # connections opened from now on get wal_autocheckpoint=0

    def loop():
        while True:
            gevent.sleep(every_s)
            try:
                get_hub().threadpool.apply(checkpoint, (path,))
            except Exception:  # noqa: BLE001 - a failed checkpoint is retried on the next beat
                log.exception("SQLite checkpoint failed")

    return gevent.spawn(loop)
