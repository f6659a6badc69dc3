"""The banner (`overall`) follows open public manual incidents as well as the components."""

from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result

SUMMARY = "/api/public/status-pages/acme/"


def announce(api, **fields):
    response = api.post("/api/incidents/", json={"title": "Slow checkout"} | fields)
    assert response.status_code == 201, response.json
    return response.json


def banner(client):
    body = client.get(SUMMARY).json
    return body["overall"], [g["status"] for g in body["groups"]]


def test_a_manual_degraded_incident_turns_the_banner_degraded(
    ctx, client, as_alice, page_of, published
):
    _page, web, db_server = page_of()
    record_results([result(web["id"], OK), result(db_server["id"], OK)])
    assert banner(client)[0]["message"] == "All systems operational"
    incident = announce(as_alice, severity="degraded", servers=[web["id"]])
    overall, groups = banner(client)  # creating it cleared the cached page
    assert overall == {"status": "degraded", "message": "Some systems are degraded"}
    assert groups == ["degraded"]
    html = client.get("/status/acme").get_data(as_text=True)
    assert 'data-status="degraded"' in html and "Some systems are degraded" in html
    assert client.get(f"{SUMMARY}badge.json").json["message"] == "degraded"
    as_alice.patch(f"/api/incidents/{incident['id']}/", json={"severity": "down"})
    assert banner(client)[0] == {"status": "partial_outage", "message": "Some systems are down"}
    as_alice.post(f"/api/incidents/{incident['id']}/resolve/")
    assert banner(client)[0]["status"] == "operational"


def test_the_worse_of_components_and_incidents_wins(ctx, client, as_alice, page_of, published):
    _page, web, db_server = page_of()
    record_results([result(web["id"], DOWN), result(db_server["id"], DOWN)])
    announce(as_alice, severity="degraded", servers=[web["id"]])
    assert banner(client)[0]["status"] == "major_outage"  # both components are out


def test_hidden_and_private_announcements_leave_the_banner_alone(
    ctx, client, as_alice, page_of, published
):
    page, web, db_server = page_of()
    record_results([result(web["id"], OK), result(db_server["id"], OK)])
    announce(as_alice, severity="down", servers=[web["id"]], public=False)
    assert banner(client)[0]["status"] == "operational"
    announce(as_alice, severity="down", servers=[web["id"]])
    as_alice.patch(f"/api/status-pages/{page['id']}/", json={"show_incidents": False})
    assert banner(client)[0]["status"] == "operational"  # what the page does not show
