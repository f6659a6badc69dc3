"""Manual incidents announced to a page through `status_pages`: shown there (active, recent,
history, feeds), naming no server, and marking the bars of the days they covered (every
component of the page when they name none of its servers)."""

from datetime import timedelta
from xml.etree import ElementTree

from sqlalchemy import update

from pulseguard import pagecache
from pulseguard.extensions import db
from pulseguard.models import Incident
from pulseguard.models.types import utcnow
from tests.pages.test_banner import announce

SUMMARY = "/api/public/status-pages/acme/"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_an_announcement_to_the_page_alone_shows_there(ctx, client, as_alice, make_page, page_of):
    page, _web, _db = page_of()
    other = make_page(slug="other", title="Other", published=True)
    assert client.get(SUMMARY).json["incidents"]["active"] == []  # cached now
    incident = announce(as_alice, status_pages=[page["id"]], message="Card payments fail.")
    body = client.get(SUMMARY).json  # the announcement cleared the cached page
    (shown,) = body["incidents"]["active"]
    assert shown["title"] == "Slow checkout" and shown["components"] == []
    assert [u["message_html"] for u in shown["updates"]] == ["<p>Card payments fail.</p>"]
    assert body["overall"]["status"] == "degraded"
    assert client.get(f"/api/public/status-pages/{other['slug']}/").json["incidents"] == {
        "active": [], "recent": []}  # fmt: skip
    (listed,) = client.get(f"{SUMMARY}incidents/").json["incidents"]
    assert listed["id"] == shown["id"]
    root = ElementTree.fromstring(client.get("/status/acme/feed.atom").get_data())
    assert [e.find(f"{ATOM}id").text.rsplit(":", 1)[1] for e in root.findall(f"{ATOM}entry")] == [
        shown["id"]]  # fmt: skip
    html = client.get("/status/acme").get_data(as_text=True)
    assert "Slow checkout" in html and "Card payments fail." in html

    as_alice.post(f"/api/incidents/{incident['id']}/resolve/")
    incidents = client.get(SUMMARY).json["incidents"]
    assert incidents["active"] == [] and [i["id"] for i in incidents["recent"]] == [shown["id"]]
    as_alice.patch(f"/api/incidents/{incident['id']}/", json={"status_pages": [other["id"]]})
    assert client.get(SUMMARY).json["incidents"]["recent"] == []  # moved: cleared at once
    other_page = client.get(f"/api/public/status-pages/{other['slug']}/").json
    assert len(other_page["incidents"]["recent"]) == 1  # a page with no servers shows it too


def test_an_announcement_marks_every_component_on_the_days_it_covered(
    ctx, client, as_alice, page_of
):
    page, _web, _db = page_of()
    incident = announce(as_alice, status_pages=[page["id"]])
    now = utcnow()
    db.session.execute(
        update(Incident)
        .where(Incident.id == incident["id"])
        .values(
            started_at=now - timedelta(days=2),
            resolved_at=now - timedelta(days=1),
            state="resolved",
        )  # fmt: skip
    )
    db.session.commit()
    pagecache.clear_slugs(["acme"])
    (oid,) = [i["id"] for i in client.get(f"{SUMMARY}incidents/").json["incidents"]]
    bars = client.get(f"{SUMMARY}uptime/?days=4").json["components"]
    assert len(bars) == 2
    for days in bars.values():
        assert [b["incidents"] for b in days] == [[], [oid], [oid], []]
    html = client.get("/status/acme").get_data(as_text=True)
    assert html.count("has-incident") == 2 * 2 and ", 1 incident" in html


def test_an_announcement_naming_a_server_marks_only_that_ones_bars(ctx, client, as_alice, page_of):
    page, web, _db = page_of()
    announce(as_alice, status_pages=[page["id"]], servers=[web["id"]])
    (shown,) = client.get(SUMMARY).json["incidents"]["active"]
    web_bars, db_bars = client.get(f"{SUMMARY}uptime/?days=2").json["components"].values()
    assert [b["incidents"] for b in web_bars] == [[], [shown["id"]]]
    assert [b["incidents"] for b in db_bars] == [[], []]
    assert len(shown["components"]) == 1


def test_private_announcements_and_other_users_pages_stay_apart(
    ctx, client, as_alice, as_bob, page_of
):
    page, _web, _db = page_of()
    announce(as_alice, status_pages=[page["id"]], public=False)
    assert client.get(SUMMARY).json["incidents"]["active"] == []
    response = as_bob.post("/api/incidents/", json={"title": "x", "status_pages": [page["id"]]})
    assert response.status_code == 422 and "status_pages" in response.json["errors"]["json"]
