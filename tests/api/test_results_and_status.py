"""Ping results and server status: read-only, filtered, owner-scoped, with uptime from rollups."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from pulseguard.extensions import db
from pulseguard.models import PingResult, ServerStatus, UptimeRollup

NOW = datetime.now(UTC)


@pytest.fixture
def record(app):
    """Store a check result for a server, as the check engine would."""

    def add(server_id, status="success", minutes_ago=0, response_time=12.5, code=200):
        with app.app_context():
            row = PingResult(
                server_id=server_id,
                outcome=status,
                response_time_ms=response_time,
                status_code=code,
                error_message=None if status == "success" else "HTTP 500",
                checked_at=NOW - timedelta(minutes=minutes_ago),
            )
            db.session.add(row)
            db.session.commit()
            return row.id

    return add


def test_results_are_listed_newest_first_with_the_contract_fields(as_alice, make_server, record):
    server = make_server()
    record(server["id"], minutes_ago=5)
    record(server["id"], status="failure", minutes_ago=1, code=500)
    results = as_alice.get("/api/ping-results/").json
    assert [r["status"] for r in results] == ["failure", "success"]
    assert set(results[0]) == {
        "id",
        "server",
        "status",
        "response_time",
        "status_code",
        "error_message",
        "check_timestamp",
        # API-NEXT §0: what push, assertions and maintenance windows record
        "kind",
        "in_maintenance",
        "details",
        "assertions",
    }
    assert results[0]["server"] == server["id"] and results[0]["status_code"] == 500
    assert results[0]["kind"] == "check" and results[0]["details"] is None
    assert datetime.fromisoformat(results[0]["check_timestamp"]).tzinfo is not None


def test_results_filter_by_server_status_and_time(as_alice, make_server, record):
    one, two = make_server(name="one"), make_server(name="two")
    record(one["id"], minutes_ago=30)
    record(two["id"], status="timeout", minutes_ago=10)
    record(two["id"], minutes_ago=1)

    def count(query):
        return len(as_alice.get(f"/api/ping-results/?{query}").json)

    assert count(f"server_id={two['id']}") == 2
    assert count(f"server_id={one['id']},{two['id']}") == 3
    assert count("status=timeout") == 1
    since = (NOW - timedelta(minutes=15)).isoformat()
    assert count(f"since={since.replace('+', '%2B')}") == 2
    naive_until = (NOW - timedelta(minutes=15)).replace(tzinfo=None).isoformat()
    assert count(f"until={naive_until}") == 1


@pytest.mark.parametrize(
    "query", ["server_id=abc", "server_id=0", "status=meh", "since=yesterday", "page=zero"]
)
def test_bad_result_queries_get_422(as_alice, query):
    response = as_alice.get(f"/api/ping-results/?{query}")
    assert response.status_code == 422
    assert response.json["code"] == 422 and "errors" in response.json


def test_results_are_read_only(as_alice, make_server, record):
    result_id = record(make_server()["id"])
    assert as_alice.post("/api/ping-results/", json={}).status_code == 405
    for method in ("put", "patch", "delete"):
        response = getattr(as_alice, method)(f"/api/ping-results/{result_id}/", json={})
        assert response.status_code == 405 and response.json["code"] == 405


def test_other_users_results_are_invisible(as_alice, as_bob, make_server, record):
    result_id = record(make_server()["id"])
    assert as_bob.get("/api/ping-results/").json == []
    assert as_bob.get(f"/api/ping-results/{result_id}/").status_code == 404
    assert as_alice.get(f"/api/ping-results/{result_id}/").status_code == 200


def test_status_has_every_contract_field(as_alice, make_server):
    make_server()
    (status,) = as_alice.get("/api/server-status/").json
    for field in (
        "id",
        "server",
        "status",
        "uptime_percentage",
        "last_check",
        "consecutive_failures",
        "message",
        "uptime",
        "avg_response_time",
    ):
        assert field in status
    assert status["status"] == "unknown" and status["uptime_percentage"] is None


def test_uptime_comes_from_rollups_per_window(app, as_alice, make_server):
    server = make_server()
    hour = NOW.replace(minute=0, second=0, microsecond=0)
    with app.app_context():
        for hours_ago, total, ok in ((0, 10, 9), (48, 10, 0), (24 * 20, 20, 20), (24 * 40, 5, 0)):
            db.session.add(
                UptimeRollup(
                    server_id=server["id"],
                    hour_start=hour - timedelta(hours=hours_ago),
                    total=total,
                    successes=ok,
                    response_time_sum_ms=100.0 * ok,
                    response_count=ok,
                )
            )
        db.session.commit()
    (status,) = as_alice.get("/api/server-status/").json
    assert status["uptime"] == {"24h": 90.0, "7d": 45.0, "30d": 72.5}
    assert status["uptime_percentage"] == 90.0
    assert status["avg_response_time"] == 100.0
    weekly = as_alice.get("/api/server-status/?window=7d").json[0]
    assert weekly["uptime_percentage"] == 45.0
    assert as_alice.get("/api/server-status/?window=1y").status_code == 422


def test_status_filters_by_status_and_server(app, as_alice, make_server):
    up, down = make_server(name="up"), make_server(name="down")
    with app.app_context():
        db.session.query(ServerStatus).filter_by(server_id=down["id"]).update({"health": "down"})
        db.session.commit()
    assert [s["server"] for s in as_alice.get("/api/server-status/?status=down").json] == [
        down["id"]
    ]
    response = as_alice.get(f"/api/server-status/?server_id={up['id']}")
    assert [s["server"] for s in response.json] == [up["id"]]
    assert json.loads(response.headers["X-Pagination"])["total"] == 1


def test_status_is_read_only_and_owner_scoped(as_alice, as_bob, as_admin, make_server):
    make_server()
    (status,) = as_alice.get("/api/server-status/").json
    assert as_alice.post("/api/server-status/", json={}).status_code == 405
    assert as_alice.delete(f"/api/server-status/{status['id']}/").status_code == 405
    assert as_bob.get(f"/api/server-status/{status['id']}/").status_code == 404
    assert as_bob.get("/api/server-status/").json == []
    assert as_admin.get(f"/api/server-status/{status['id']}/").json["server"] == status["server"]
