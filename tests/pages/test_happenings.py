"""Incidents and maintenance on a page: public ones only, of the page's servers, read whole."""

import time
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from sqlalchemy import update

from pulseguard import pagecache
from pulseguard.extensions import db
from pulseguard.models import Incident
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result

SUMMARY = "/api/public/status-pages/acme/"
HISTORY = f"{SUMMARY}incidents/"
ATOM = "{http://www.w3.org/2005/Atom}"


def make_public(**where):
    """Make incidents public as their PATCH route will (it clears the pages of their servers)."""
    stmt = update(Incident).values(public=True)
    for name, value in where.items():
        stmt = stmt.where(getattr(Incident, name) == value)
    changed = db.session.scalars(stmt.returning(Incident.server_id)).all()
    db.session.commit()
    pagecache.clear_servers(changed)


def iso(moment):
    return moment.isoformat()


def window(api, **fields):
    body = {"name": "DB upgrade", "description": "We **upgrade**."} | fields
    response = api.post("/api/maintenance-windows/", json=body)
    assert response.status_code == 201, response.json
    return response.json


def once(hours_from_now, hours_long=1):
    start = datetime.now(UTC) + timedelta(hours=hours_from_now)
    return {"type": "once", "start": iso(start), "end": iso(start + timedelta(hours=hours_long))}


def test_public_incidents_of_the_page_servers_show_private_ones_do_not(
    ctx, client, make_server, page_of, published
):
    _page, web, db_server = page_of()
    elsewhere = make_server(name="not-on-page")
    record_results([result(s["id"], DOWN) for s in (web, db_server, elsewhere)])
    assert client.get(SUMMARY).json["incidents"] == {"active": [], "recent": []}  # none public
    make_public(server_id=web["id"])
    make_public(server_id=elsewhere["id"])
    body = client.get(SUMMARY).json  # the change clears the cached page
    (incident,) = body["incidents"]["active"]
    web_component = body["groups"][0]["components"][0]["id"]
    assert incident["title"] == "Public API is down"  # the page's display name, not web-internal
    assert incident["id"].startswith("i_") and incident["components"] == [web_component]
    assert set(incident) == {"id", "title", "severity", "state", "started_at", "resolved_at",
                             "components", "updates"}  # fmt: skip
    assert (incident["severity"], incident["state"], incident["resolved_at"]) == ("down", "open",
                                                                                  None)  # fmt: skip
    assert body["incidents"]["recent"] == []
    record_results([result(web["id"], OK)])
    body = client.get(SUMMARY).json
    assert body["incidents"]["active"] == []
    (resolved,) = body["incidents"]["recent"]
    assert resolved["id"] == incident["id"] and resolved["state"] == "resolved"
    assert resolved["resolved_at"] is not None


def test_incidents_older_than_a_week_leave_recent_but_stay_in_the_history(
    ctx, client, page_of, published
):
    _page, web, _db = page_of()
    ten_days_ago = time.time() - 10 * 86400
    record_results([result(web["id"], DOWN, ten_days_ago)])
    record_results([result(web["id"], OK, ten_days_ago + 600)])
    make_public()
    assert client.get(SUMMARY).json["incidents"] == {"active": [], "recent": []}
    (old,) = client.get(HISTORY).json["incidents"]
    assert old["state"] == "resolved" and old["title"] == "Public API is down"


def test_the_history_pages_with_an_opaque_cursor(ctx, client, page_of, published):
    _page, web, db_server = page_of()
    start = time.time() - 5 * 3600
    for n in range(3):  # three outages of each server, two of them at the same instants
        at = start + n * 1200
        record_results([result(web["id"], DOWN, at), result(db_server["id"], DOWN, at)])
        record_results([result(web["id"], OK, at + 600), result(db_server["id"], OK, at + 600)])
    make_public()
    seen, cursor, pages = [], None, 0
    while True:
        url = f"{HISTORY}?limit=4" + (f"&before={cursor}" if cursor else "")
        answer = client.get(url).json
        seen += answer["incidents"]
        pages += 1
        cursor = answer["next"]
        if cursor is None:
            break
        assert str(web["id"]) not in cursor.split("~")[1]
    assert pages == 2 and len(seen) == 6 and len({i["id"] for i in seen}) == 6
    starts = [i["started_at"] for i in seen]
    assert starts == sorted(starts, reverse=True)


def test_the_history_refuses_bad_limits_and_cursors(client, page_of):
    page_of()
    for query in (
        "limit=0",
        "limit=101",
        "before=yesterday",
        "before=2026-01-01~i_x",
        "before=123~c_abcdefghij",
    ):
        response = client.get(f"{HISTORY}?{query}")
        assert response.status_code == 422, query
        assert set(response.json["errors"]["query"]) <= {"limit", "before"}
    assert client.get("/api/public/status-pages/nope/incidents/").status_code == 404


def test_the_bars_name_the_incidents_of_each_day(ctx, client, page_of, published):
    _page, web, _db = page_of()
    record_results([result(web["id"], DOWN, time.time() - 120)])
    make_public()
    bars = client.get(f"{SUMMARY}uptime/?days=3").json
    incident = client.get(SUMMARY).json["incidents"]["active"][0]["id"]
    web_bars, db_bars = bars["components"].values()
    assert web_bars[-1]["incidents"] == [incident]
    assert [b["incidents"] for b in web_bars[:-1]] == [[], []]
    assert all(b["incidents"] == [] for b in db_bars)


def test_hidden_incidents_stay_hidden_everywhere(ctx, client, as_alice, page_of, published):
    page, web, _db = page_of()
    record_results([result(web["id"], DOWN)])
    make_public()
    as_alice.patch(f"/api/status-pages/{page['id']}/", json={"show_incidents": False})
    assert client.get(SUMMARY).json["incidents"] is None
    assert client.get(HISTORY).json == {"incidents": [], "next": None}
    bars = client.get(f"{SUMMARY}uptime/?days=1").json["components"]
    assert all(b["incidents"] == [] for days in bars.values() for b in days)
    assert ":incident:" not in client.get("/status/acme/feed.atom").get_data(as_text=True)


def test_maintenance_covering_the_page_shows_upcoming_then_active(
    ctx, client, as_alice, make_server, page_of
):
    page, web, db_server = page_of()
    other = make_server(name="not-on-page")
    soon = window(as_alice, schedule=once(2), servers=[db_server["id"]])
    window(as_alice, name="Far away", schedule=once(24 * 20), servers=[db_server["id"]])
    window(as_alice, name="Elsewhere", schedule=once(2), servers=[other["id"]])
    window(as_alice, name="Announcement", schedule=once(3), status_pages=[page["id"]])
    body = client.get(SUMMARY).json
    db_component = body["groups"][0]["components"][1]["id"]
    assert body["maintenance"]["active"] == []
    first, second = body["maintenance"]["upcoming"]
    assert (first["title"], second["title"]) == ("DB upgrade", "Announcement")
    assert first["components"] == [db_component] and second["components"] == []
    assert first["description_html"] == "<p>We <strong>upgrade</strong>.</p>"
    assert first["id"].startswith("m_") and first["start"] == soon["next"]["start"]
    response = as_alice.post(
        f"/api/maintenance-windows/{soon['id']}/start/", json={"duration": 600}
    )
    assert response.status_code == 200
    body = client.get(SUMMARY).json  # starting it cleared the cached page
    (active,) = body["maintenance"]["active"]
    assert active["title"] == "DB upgrade" and active["id"] == first["id"]
    assert body["groups"][0]["components"][1]["status"] == "maintenance"
    assert [m["title"] for m in body["maintenance"]["upcoming"]] == ["DB upgrade", "Announcement"]
    html = client.get("/status/acme").get_data(as_text=True)
    assert "DB upgrade" in html and "in progress" in html and "<strong>upgrade</strong>" in html


def test_maintenance_found_by_tag_shows_too(ctx, client, as_alice, page_of):
    _page, web, _db = page_of()
    as_alice.patch(f"/api/servers/{web['id']}/", json={"tags": ["edge"]})
    window(as_alice, name="Edge work", schedule=once(1), tags=["edge"])
    (upcoming,) = client.get(SUMMARY).json["maintenance"]["upcoming"]
    assert upcoming["title"] == "Edge work" and len(upcoming["components"]) == 1


def test_bobs_windows_never_show_on_alices_page(ctx, client, as_bob, page_of):
    page, _web, _db = page_of()
    window(as_bob, name="Bob's work", schedule=once(1), all_servers=True)
    assert client.get(SUMMARY).json["maintenance"] == {"active": [], "upcoming": []}


def test_feeds_carry_public_incidents_and_announced_maintenance(
    ctx, client, as_alice, page_of, published
):
    page, web, db_server = page_of()
    record_results([result(web["id"], DOWN), result(db_server["id"], DOWN)])
    make_public(server_id=web["id"])
    window(as_alice, schedule=once(2), servers=[db_server["id"]])
    summary = client.get(SUMMARY).json
    incident = summary["incidents"]["active"][0]["id"]
    root = ElementTree.fromstring(client.get("/status/acme/feed.atom").get_data())
    entries = root.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(entries) == 2 and ids[0].endswith(f":incident:{incident}")
    assert ":maintenance:m_" in ids[1]
    assert entries[0].find(f"{ATOM}title").text == "Public API is down"
    assert "DB upgrade" in entries[1].find(f"{ATOM}title").text
    rss = ElementTree.fromstring(client.get("/status/acme/feed.rss").get_data())
    guids = [g.text for g in rss.findall("channel/item/guid")]
    assert guids == ids


def test_public_updates_show_private_ones_never(ctx, client, as_alice, page_of, published):
    _page, web, _db = page_of()
    record_results([result(web["id"], DOWN)])
    (incident,) = as_alice.get("/api/incidents/").json
    url = f"/api/incidents/{incident['id']}/updates/"
    said = {"message": "We are *on it*.", "status": "investigating", "public": True}
    assert as_alice.post(url, json=said).status_code == 201
    hidden = {"message": "root cause: s3cr3t-db", "status": "identified", "public": False}
    assert as_alice.post(url, json=hidden).status_code == 201
    (shown,) = client.get(SUMMARY).json["incidents"]["active"]  # a public update made it public
    assert [(u["status"], u["message_html"]) for u in shown["updates"]] == [
        ("investigating", "<p>We are <em>on it</em>.</p>")
    ]
    for answer in ("", "incidents/"):
        assert "s3cr3t-db" not in client.get(f"{SUMMARY}{answer}").get_data(as_text=True)
    assert "s3cr3t-db" not in client.get("/status/acme/feed.atom").get_data(as_text=True)
    assert "on it" in client.get("/status/acme").get_data(as_text=True)
