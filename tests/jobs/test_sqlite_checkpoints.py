"""Embedded SQLite: WAL checkpoints run in a native thread, not inside the process's commits."""

import gevent
import pytest
from gevent import monkey
from sqlalchemy import text

from pulseguard import sqlite
from pulseguard.extensions import db
from tests.targets import wait_for

native_thread_id = monkey.get_original("threading", "get_ident")


def test_the_embedded_process_checkpoints_in_a_native_thread(
    embedded_app, make_server, monkeypatch
):
    done = []

    def recorded(path):
        result = real(path)
        done.append((native_thread_id(), result))
        return result

    real = sqlite.checkpoint
    monkeypatch.setattr(sqlite, "checkpoint", recorded)
    with embedded_app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL has no WAL file of its own to checkpoint")
        greenlet = sqlite.checkpoint_in_thread(engine, 0.1)
        try:
            with engine.connect() as connection:
                assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
            for n in range(20):
                make_server(name=f"s{n}")
            # A checkpoint in another native thread copied every frame the writes left in the WAL.
            wait_for(
                lambda: any(
                    busy == 0 and 0 < copied == frames for _t, (busy, frames, copied) in done
                )
            )
        finally:
            gevent.kill(greenlet)
    assert {thread for thread, _ in done} and native_thread_id() not in {t for t, _ in done}
