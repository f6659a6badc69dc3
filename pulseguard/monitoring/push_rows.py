"""A ping batch's push monitors as plain rows: one locking SELECT in, one UPDATE out.

receive_many changes a batch's monitors in memory and writes them back in the same transaction.
ORM objects cost more than the pings' own work there (building a PushMonitor and its Server with
their JSON columns, then the unit of work's flush comparing and updating them one by one), so
the batch reads the columns it uses into namespaces and writes the changed monitors back with
one statement: an UPDATE ... FROM unnest() on PostgreSQL, an executemany on SQLite.
"""

import json
from types import SimpleNamespace

from sqlalchemy import bindparam, select, update

from pulseguard.extensions import db
from pulseguard.models import PushMonitor, Server

MONITORS = PushMonitor.__table__
SERVERS = Server.__table__
# What the pings change (every column but the key and the token: a rotation is the API's).
CHANGED = (
    "stage", "last_ping_at", "next_expected_at", "alert_after", "running", "started_at", "runs",
    "last_duration_ms", "last_exit_code",
)  # fmt: skip
# What a ping reads of its server: the finders' refs, the state, the settings, its Target.
SERVER_COLUMNS = (
    "id", "owner_id", "key", "protocol", "monitoring_state", "created_at", "host", "port",
    "timeout_s", "settings",
)  # fmt: skip
_BASE = (
    select(
        *(MONITORS.c[name] for name in ("server_id", "token", *CHANGED)),
        *(SERVERS.c[name].label(f"s_{name}") for name in SERVER_COLUMNS),
    )
    .select_from(MONITORS.join(SERVERS, SERVERS.c.id == MONITORS.c.server_id))
    .order_by(MONITORS.c.server_id)
    .with_for_update(of=MONITORS)  # the monitors only: the servers are not written here
)
BY_TOKENS = _BASE.where(MONITORS.c.token.in_(bindparam("tokens", expanding=True)))

UPDATE_PG = """
UPDATE push_monitors AS m SET
    stage = v.stage, last_ping_at = v.last_ping_at, next_expected_at = v.next_expected_at,
    alert_after = v.alert_after, running = v.running, started_at = v.started_at,
    runs = v.runs::json, last_duration_ms = v.last_duration_ms, last_exit_code = v.last_exit_code
FROM unnest(
    %(server_id)s::int[], %(stage)s::varchar[], %(last_ping_at)s::timestamptz[],
    %(next_expected_at)s::timestamptz[], %(alert_after)s::timestamptz[], %(running)s::bool[],
    %(started_at)s::timestamptz[], %(runs)s::text[], %(last_duration_ms)s::float8[],
    %(last_exit_code)s::int[])
    AS v(server_id, stage, last_ping_at, next_expected_at, alert_after, running, started_at,
         runs, last_duration_ms, last_exit_code)
WHERE m.server_id = v.server_id
"""
UPDATE_ONE = (
    update(MONITORS)
    .where(MONITORS.c.server_id == bindparam("b_server_id"))
    .values({name: bindparam(f"b_{name}") for name in CHANGED})
)


def locked(where=None, tokens=None) -> list[tuple[SimpleNamespace, SimpleNamespace]]:
    """Lock the push monitors matching `where` (or with these tokens), in server id order;
    return (monitor, server) namespaces of each, to change in memory and write()."""
    connection = db.session.connection()  # Core, not the ORM's execution path
    if where is None:
        rows = connection.execute(BY_TOKENS, {"tokens": tokens})
    else:
        rows = connection.execute(_BASE.where(where))
    found = []
    for row in rows.mappings():
        monitor = SimpleNamespace(**{k: v for k, v in row.items() if not k.startswith("s_")})
        server = SimpleNamespace(**{name: row[f"s_{name}"] for name in SERVER_COLUMNS})
        found.append((monitor, server))
    return found


def write(monitors: list[SimpleNamespace]) -> None:
    """Write the changed columns of these monitors (each once) back in the transaction."""
    if not monitors:
        return
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        params = {name: [getattr(m, name) for m in monitors] for name in ("server_id", *CHANGED)}
        params["runs"] = [None if m.runs is None else json.dumps(m.runs) for m in monitors]
        connection.exec_driver_sql(UPDATE_PG, params)
        return
    rows = [{f"b_{name}": getattr(m, name) for name in ("server_id", *CHANGED)} for m in monitors]
    connection.execute(UPDATE_ONE, rows)
