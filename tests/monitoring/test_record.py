"""Recording a batch: results, status, transitions, uptime, and what is published after commit."""

import pytest

from pulseguard.checks.outcome import Outcome
from pulseguard.models import PingResult
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, REFUSED, result


def statuses(api, server_id):
    return api.get(f"/api/server-status/?server_id={server_id}").json[0]


def test_a_batch_records_results_status_and_transitions(ctx, make_server, as_alice, published):
    a, b = make_server(name="a"), make_server(name="b", failure_threshold=2)
    recorded = record_results([result(a["id"], OK), result(b["id"], REFUSED)])
    assert [(r.server_id, r.health) for r in recorded] == [(a["id"], "up"), (b["id"], "unknown")]

    first = statuses(as_alice, a["id"])
    assert first["status"] == "up" and first["message"] == "OK"
    assert first["last_response_time"] == 120.0 and first["consecutive_failures"] == 0
    assert first["uptime_percentage"] == 100.0 and first["avg_response_time"] == 120.0
    second = statuses(as_alice, b["id"])
    assert second["status"] == "unknown" and second["consecutive_failures"] == 1
    assert second["message"] == "Connection refused (failure 1 of 2)"

    pings = as_alice.get(f"/api/ping-results/?server_id={b['id']}").json
    assert [(p["status"], p["error_message"], p["response_time"]) for p in pings] == [
        ("error", "Connection refused", None)
    ]
    changes = as_alice.get("/api/status-changes/").json
    assert [(c["server"], c["old_status"], c["new_status"]) for c in changes] == [
        (a["id"], "unknown", "up")
    ]
    assert published["changes"] == [changes[0]["id"]]


DETAILED = Outcome(
    "failure", 12.0, 200, "json db.ok == true: got false",
    details={"rcode": "NOERROR", "answers": ["192.0.2.1"]},
    assertions=[{"type": "json", "path": "db.ok", "operator": "==", "expected": True,
                 "actual": False, "passed": False}],
)  # fmt: skip


@pytest.mark.parametrize("outcomes", [[OK], [DETAILED]], ids=["plain", "detailed"])
def test_results_carry_their_kind_details_and_assertions(ctx, make_server, as_alice, outcomes):
    server = make_server()
    record_results([result(server["id"], outcomes[0])])
    ping = as_alice.get(f"/api/ping-results/?server_id={server['id']}").json[0]
    assert ping["kind"] == "check" and ping["in_maintenance"] is False
    assert ping["details"] == outcomes[0].details
    assert ping["assertions"] == outcomes[0].assertions


@pytest.mark.parametrize(
    "outcomes", [[OK], [REFUSED], [OK, DOWN], [DETAILED]], ids=["up", "error", "down", "detailed"]
)
def test_events_pair_each_ping_with_its_status_as_the_api_shows_them(
    ctx, make_server, as_alice, alice, published, outcomes
):
    server = make_server()
    for outcome in outcomes:
        record_results([result(server["id"], outcome)])
    ping_event, status_event = published["events"][-2:]
    ping = as_alice.get(f"/api/ping-results/?server_id={server['id']}").json[0]
    status = statuses(as_alice, server["id"])
    assert ping_event == {
        "type": "ping", "server_id": server["id"], "owner_id": alice.id, "id": ping["id"],
        "data": ping,
    }  # fmt: skip
    assert status_event["type"] == "status" and status_event["id"] == ping["id"]
    assert status_event["owner_id"] == alice.id
    assert status_event["data"] == status


def test_status_events_for_every_check_not_only_changes(ctx, make_server, published):
    server = make_server()
    record_results([result(server["id"], OK)])
    record_results([result(server["id"], OK)])
    kinds = [e["type"] for e in published["events"]]
    assert kinds == ["ping", "status", "ping", "status"]
    assert len(published["changes"]) == 1  # only unknown -> up


def test_transitions_down_and_back(ctx, make_server, as_alice, published):
    server = make_server(failure_threshold=2)
    sid = server["id"]
    for outcome in (OK, DOWN, DOWN, DOWN, OK):
        record_results([result(sid, outcome)])
    changes = as_alice.get(f"/api/status-changes/?server_id={sid}").json
    assert [(c["old_status"], c["new_status"]) for c in reversed(changes)] == [
        ("unknown", "up"), ("up", "down"), ("down", "up"),
    ]  # fmt: skip
    assert changes[1]["message"] == "HTTP 503"
    status = statuses(as_alice, sid)
    assert status["status"] == "up" and status["uptime_percentage"] == 40.0
    assert status["changed_at"] is not None
    assert len(published["changes"]) == 3


def test_paused_and_deleted_servers_are_not_recorded(ctx, make_server, as_alice, published):
    paused = make_server(name="p")
    gone = make_server(name="g")
    as_alice.patch(f"/api/servers/{paused['id']}/", json={"status": "paused"})
    as_alice.delete(f"/api/servers/{gone['id']}/")
    assert record_results([result(paused["id"], OK), result(gone["id"], OK)]) == []
    from pulseguard.extensions import db

    assert db.session.query(PingResult).count() == 0
    assert published["events"] == []


def test_https_certificate_expiry_is_kept_on_the_server(ctx, make_server, as_alice, published):
    from datetime import UTC, datetime

    from pulseguard.checks.outcome import Outcome
    from pulseguard.extensions import db
    from pulseguard.models import Server

    server = make_server(protocol="https", port=443)
    expires = datetime(2027, 3, 1, tzinfo=UTC)
    record_results([result(server["id"], Outcome("success", 5.0, 200, "OK", expires))])
    db.session.expire_all()
    assert db.session.get(Server, server["id"]).tls_expires_at == expires
