"""The dashboard's aggregates: overview rows, status counts and bucketed response times."""

import json
from datetime import timedelta

import pytest

from pulseguard.extensions import db
from pulseguard.models import PingResult, ServerStatus, UptimeRollup
from pulseguard.models.types import utcnow


def set_status(server_id, status, response_time=None, message="OK"):
    row = db.session.query(ServerStatus).filter_by(server_id=server_id).one()
    row.health, row.message = status, message
    row.last_response_time_ms, row.last_check_at = response_time, utcnow()
    db.session.commit()


def add_result(server_id, ago, status="success", response_time=10.0):
    """Record a result `ago` before the start of the current minute (so, mid-bucket)."""
    minute = utcnow().replace(second=0, microsecond=0)
    db.session.add(
        PingResult(
            server_id=server_id,
            outcome=status,
            response_time_ms=response_time,
            checked_at=minute - ago,
        )
    )
    db.session.commit()


@pytest.fixture
def fleet(make_server, ctx):
    """Five servers of alice's in every display status, and one of bob's."""
    ids = {}
    for name, status in [("api", "up"), ("db", "down"), ("cdn", "degraded"), ("new", "unknown")]:
        ids[name] = make_server(name=name, tags=["prod"] if name != "new" else ["lab"])["id"]
        set_status(ids[name], status, response_time=50.0 if status != "unknown" else None)
    ids["old"] = make_server(name="old", status="paused")["id"]
    set_status(ids["old"], "down")  # paused wins over the last health
    return ids


def test_the_summary_counts_servers_per_status(as_alice, fleet):
    summary = as_alice.get("/api/server-status/summary/").json
    assert summary["total"] == 5
    assert summary["counts"] == {
        "up": 1,
        "down": 1,
        "degraded": 1,
        "unknown": 1,
        "maintenance": 0,
        "paused": 1,
    }
    assert summary["tags"] == ["lab", "prod"]


def test_the_summary_follows_the_name_and_tag_filters(as_alice, fleet):
    assert as_alice.get("/api/server-status/summary/?tag=prod").json["total"] == 3
    assert as_alice.get("/api/server-status/summary/?q=D").json["counts"] == {
        "up": 0,
        "down": 1,
        "degraded": 1,
        "unknown": 0,
        "maintenance": 0,
        "paused": 1,
    }


def test_the_summary_hides_other_users_servers(as_bob, fleet):
    summary = as_bob.get("/api/server-status/summary/").json
    zero = dict.fromkeys(summary["counts"], 0)
    assert summary == {
        "total": 0,
        "counts": zero,
        "maintenance": 0,
        "open_incidents": 0,
        "tags": [],
    }


def test_admins_count_every_server(as_admin, fleet):
    assert as_admin.get("/api/server-status/summary/").json["total"] == 5


def test_servers_in_maintenance_and_open_incidents_are_counted_for_the_overview(
    as_alice, as_bob, fleet
):
    body = {"name": "w", "schedule": {"type": "manual"}, "servers": [fleet["db"]]}
    window = as_alice.post("/api/maintenance-windows/", json=body).json["id"]
    assert as_alice.post(f"/api/maintenance-windows/{window}/start/").status_code == 200
    as_alice.patch(f"/api/servers/{fleet['old']}/", json={"status": "maintenance"})
    as_alice.post("/api/incidents/", json={"title": "Disk full", "servers": [fleet["api"]]})
    gone = as_alice.post("/api/incidents/", json={"title": "Old", "servers": []}).json["id"]
    as_alice.post(f"/api/incidents/{gone}/resolve/")
    as_bob.post("/api/incidents/", json={"title": "Bob's", "servers": []})

    summary = as_alice.get("/api/server-status/summary/").json
    assert summary["maintenance"] == 2 and summary["open_incidents"] == 1
    assert as_alice.get("/api/server-status/summary/?tag=prod").json["maintenance"] == 1
    assert as_bob.get("/api/server-status/summary/").json["open_incidents"] == 1
    rows = {r["name"]: r for r in as_alice.get("/api/overview/").json}
    assert {name for name, r in rows.items() if r["in_maintenance"]} == {"db", "old"}
    assert rows["db"]["status"] == "maintenance"  # as REST says; still measured:
    assert rows["db"]["measured_status"] == "down"
    names = [r["name"] for r in as_alice.get("/api/overview/?maintenance=true&sort=name").json]
    assert names == ["db", "old"]
    others = as_alice.get("/api/overview/?maintenance=false&sort=name").json
    assert [r["name"] for r in others] == ["api", "cdn", "new"]
    assert as_alice.get("/api/overview/?maintenance=maybe").status_code == 422


@pytest.mark.parametrize("checks", ["run", "skip"])
def test_a_server_in_a_window_shows_maintenance_as_rest_server_status_does(as_alice, fleet, checks):
    body = {"name": "w", "schedule": {"type": "manual"}, "servers": [fleet["db"]], "checks": checks}
    window = as_alice.post("/api/maintenance-windows/", json=body).json["id"]
    assert as_alice.post(f"/api/maintenance-windows/{window}/start/").status_code == 200
    rest = as_alice.get(f"/api/server-status/?server_id={fleet['db']}").json[0]
    rows = {r["name"]: r for r in as_alice.get("/api/overview/").json}
    shown = (rows["db"]["status"], rows["db"]["measured_status"])
    assert shown == (rest["status"], rest["measured_status"]) == ("maintenance", "down")
    assert rows["db"]["in_maintenance"] is True and rows["db"]["monitoring"] == "active"
    summary = as_alice.get("/api/server-status/summary/").json
    assert summary["counts"]["maintenance"] == 1 and summary["counts"]["down"] == 0
    assert summary["counts"]["paused"] == 1  # the paused server only
    only = as_alice.get("/api/overview/?status=maintenance").json
    assert [r["name"] for r in only] == ["db"]
    assert as_alice.get("/api/overview/?status=down").json == []
    assert [r["name"] for r in as_alice.get("/api/overview/?status=paused").json] == ["old"]
    # Problems first, then servers in maintenance, then paused ones.
    names = [r["name"] for r in as_alice.get("/api/overview/").json]
    assert names == ["cdn", "new", "api", "db", "old"]
    assert as_alice.post(f"/api/maintenance-windows/{window}/stop/").status_code == 200
    assert {r["name"]: r for r in as_alice.get("/api/overview/").json}["db"]["status"] == "down"


def test_the_overview_lists_problems_first_with_status_and_uptime(as_alice, fleet, ctx):
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    db.session.add(UptimeRollup(server_id=fleet["api"], hour_start=hour, total=4, successes=3))
    db.session.commit()
    response = as_alice.get("/api/overview/")
    assert response.status_code == 200
    rows = response.json
    assert [r["name"] for r in rows] == ["db", "cdn", "new", "api", "old"]
    assert [r["status"] for r in rows] == ["down", "degraded", "unknown", "up", "paused"]
    api_row = rows[3]
    assert api_row["uptime"]["24h"] == 75.0 and api_row["response_time"] == 50.0
    assert api_row["tags"] == ["prod"] and api_row["last_check"]
    assert rows[4]["monitoring"] == "paused" and rows[4]["health"] == "down"
    assert json.loads(response.headers["X-Pagination"])["total"] == 5


@pytest.mark.parametrize(
    "query, names",
    [
        ("status=down", ["db"]),
        ("status=paused", ["old"]),
        ("status=unknown", ["new"]),
        ("tag=prod", ["db", "cdn", "api"]),
        ("q=D", ["db", "cdn", "old"]),
        ("q=d&status=down", ["db"]),
        ("sort=name", ["api", "cdn", "db", "new", "old"]),
        ("sort=-name", ["old", "new", "db", "cdn", "api"]),
    ],
)
def test_the_overview_filters_and_sorts_in_the_database(as_alice, fleet, query, names):
    assert [r["name"] for r in as_alice.get(f"/api/overview/?{query}").json] == names


def test_the_overview_paginates(as_alice, fleet):
    response = as_alice.get("/api/overview/?page=2&page_size=2&sort=name")
    assert [r["name"] for r in response.json] == ["db", "new"]
    assert json.loads(response.headers["X-Pagination"])["total_pages"] == 3


def test_the_overview_hides_other_users_servers(as_bob, fleet):
    assert as_bob.get("/api/overview/").json == []


def test_the_overview_rejects_unknown_filters(as_alice):
    response = as_alice.get("/api/overview/?status=sleeping")
    assert response.status_code == 422 and "status" in response.json["errors"]["query"]


def test_the_aggregates_need_a_token(client):
    assert client.get("/api/overview/").status_code == 401
    assert client.get("/api/server-status/summary/").status_code == 401
    assert client.get("/api/servers/1/response-times/").status_code == 401


def test_response_times_are_bucketed_with_failures(as_alice, make_server, ctx):
    server = make_server()["id"]
    add_result(server, timedelta(minutes=2, seconds=20), response_time=10.0)
    add_result(server, timedelta(minutes=2, seconds=40), response_time=30.0)
    add_result(server, timedelta(minutes=5, seconds=30), status="failure", response_time=None)
    add_result(server, timedelta(hours=2))  # outside the hour
    answer = as_alice.get(f"/api/servers/{server}/response-times/?window=1h").json
    assert answer["window"] == "1h" and answer["bucket_seconds"] == 60
    assert len(answer["buckets"]) == 60
    filled = [b for b in answer["buckets"] if b["checks"]]
    assert sum(b["checks"] for b in filled) == 3
    assert [b["failures"] for b in filled] == [1, 0]
    assert filled[1]["avg_response_time"] == 20.0
    assert filled[1]["min_response_time"] == 10.0 and filled[1]["max_response_time"] == 30.0
    assert filled[0]["avg_response_time"] is None


@pytest.mark.parametrize("window, count, size", [("24h", 96, 900), ("7d", 168, 3600)])
def test_longer_windows_have_coarser_buckets(as_alice, make_server, ctx, window, count, size):
    server = make_server()["id"]
    add_result(server, timedelta(hours=2))
    answer = as_alice.get(f"/api/servers/{server}/response-times/?window={window}").json
    assert len(answer["buckets"]) == count and answer["bucket_seconds"] == size
    assert sum(b["checks"] for b in answer["buckets"]) == 1


def test_response_times_of_someone_elses_server_are_404(as_bob, make_server):
    server = make_server()["id"]
    assert as_bob.get(f"/api/servers/{server}/response-times/").status_code == 404


def test_response_times_reject_an_unknown_window(as_alice, make_server):
    server = make_server()["id"]
    response = as_alice.get(f"/api/servers/{server}/response-times/?window=1y")
    assert response.status_code == 422
