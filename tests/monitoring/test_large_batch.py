"""A batch of more servers than psycopg caches as one IN (...) text (models/ids.py: one array
parameter on PostgreSQL): every server's targets load, its result is recorded, its uptime read."""

from pulseguard.jobs.targets import load_targets
from pulseguard.monitoring.record import record_results
from tests.outcomes import OK, REFUSED, result

SERVERS = 300  # ~14 characters of placeholder each: past psycopg's 4 KiB when expanded


def test_a_batch_of_300_servers_loads_and_records_each_of_them(ctx, make_server, as_alice):
    ids = [make_server(name=f"s{i}")["id"] for i in range(SERVERS)]
    targets = load_targets(ids)
    assert sorted(targets) == sorted(ids)
    assert {t.id for t in targets.values()} == set(ids)

    outcomes = {sid: OK if n % 3 else REFUSED for n, sid in enumerate(ids)}
    recorded = record_results([result(sid, outcome) for sid, outcome in outcomes.items()])
    assert sorted(r.server_id for r in recorded) == sorted(ids)

    shown = {sid: as_alice.get(f"/api/server-status/?server_id={sid}").json[0] for sid in ids}
    assert {sid: shown[sid]["last_response_time"] for sid in ids} == {
        sid: outcome.response_time_ms for sid, outcome in outcomes.items()
    }
    ups = [sid for sid in ids if outcomes[sid].ok]
    assert {shown[sid]["uptime_percentage"] for sid in ups} == {100.0}
