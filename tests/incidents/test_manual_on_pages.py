"""A public manual incident shows on pages showing one of its servers, public updates only."""

from tests.pages.conftest import empty_page_cache, make_page, page_of  # noqa: F401

SUMMARY = "/api/public/status-pages/acme/"


def test_a_public_manual_incident_shows_on_every_public_route_and_a_private_one_never(
    client,
    page_of,  # noqa: F811
    as_alice,
    make_server,
):
    _page, web, _db = page_of()
    elsewhere = make_server(name="not-on-the-page")["id"]
    body = {"title": "Database migration", "servers": [web["id"]], "severity": "degraded",
            "message": "Writes **paused** for 10 minutes", "status": "identified"}  # fmt: skip
    shown = as_alice.post("/api/incidents/", json=body).json
    as_alice.post(
        f"/api/incidents/{shown['id']}/updates/",
        json={"message": "operator note: db-7 replica lag", "public": False},
    )
    hidden = {"title": "Internal rehearsal", "servers": [web["id"]], "public": False}
    assert as_alice.post("/api/incidents/", json=hidden).status_code == 201
    other = {"title": "Another product", "servers": [elsewhere]}
    assert as_alice.post("/api/incidents/", json=other).status_code == 201
    summary = client.get(SUMMARY).json
    [active] = summary["incidents"]["active"]
    [component] = summary["groups"][0]["components"][:1]
    assert active["title"] == "Database migration" and active["severity"] == "degraded"
    assert active["components"] == [component["id"]]
    assert [u["status"] for u in active["updates"]] == ["identified"]
    assert "<strong>paused</strong>" in active["updates"][0]["message_html"]
    [listed] = client.get(SUMMARY + "incidents/").json["incidents"]
    assert listed["id"] == active["id"]
    html = client.get("/status/acme").get_data(as_text=True)
    feed = client.get("/status/acme/feed.atom").get_data(as_text=True)
    for text in (str(summary), html, feed):
        assert "Database migration" in text
        assert "replica lag" not in text and "rehearsal" not in text
        assert "Another product" not in text
    assert as_alice.post(f"/api/incidents/{shown['id']}/resolve/").status_code == 200
    after = client.get(SUMMARY).json["incidents"]
    assert after["active"] == [] and [i["title"] for i in after["recent"]] == ["Database migration"]
