"""The public side: summary JSON, bars, HTML, feeds and the page badge; caching and limits."""

import time
import uuid
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from sqlalchemy import update

from pulseguard.extensions import db
from pulseguard.models import Server
from pulseguard.monitoring.record import record_results
from tests.conftest import away_from_a_minute_end, make_config
from tests.outcomes import DOWN, OK, result

SUMMARY = "/api/public/status-pages/acme/"


def test_unpublished_and_unknown_slugs_get_the_same_404(client, make_page):
    make_page(published=False)
    urls = ["", "uptime/", "badge.svg", "badge.json"]
    for url in urls:
        hidden = client.get(f"{SUMMARY}{url}")
        missing = client.get(f"/api/public/status-pages/nope/{url}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.get_data() == missing.get_data()
    for url in ("/status/acme", "/status/acme/feed.atom", "/status/acme/feed.rss"):
        hidden, missing = client.get(url), client.get(url.replace("acme", "nope"))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.get_data() == missing.get_data()


def test_the_summary_maps_statuses_and_hides_ids(ctx, client, page_of, published):
    page, web, db_server = page_of()
    earlier = datetime.now(UTC) - timedelta(hours=2)
    db.session.execute(update(Server).values(created_at=earlier))
    db.session.commit()
    an_hour_ago = time.time() - 3600
    record_results([result(web["id"], OK, an_hour_ago), result(db_server["id"], DOWN, an_hour_ago)])
    body = client.get(SUMMARY).json
    assert body["overall"] == {"status": "partial_outage", "message": "Some systems are down"}
    (group,) = body["groups"]
    assert group["name"] == "API" and group["status"] == "partial_outage"
    first, second = group["components"]
    assert (first["name"], first["status"]) == ("Public API", "operational")
    assert (second["name"], second["status"]) == ("db", "outage")
    assert first["uptime"] == {"24h": 100.0, "30d": 100.0, "90d": 100.0}
    assert second["uptime"]["24h"] == 0.0
    assert first["id"].startswith("c_") and len(first["id"]) == 12  # an HMAC, not the db id
    assert client.get(SUMMARY).json["groups"][0]["components"][0]["id"] == first["id"]  # stable
    assert first["id"] != second["id"]
    assert body["incidents"] == {"active": [], "recent": []}
    assert body["maintenance"] == {"active": [], "upcoming": []}


def test_never_checked_servers_are_left_out_of_overall(client, page_of):
    page_of()
    body = client.get(SUMMARY).json
    assert [c["status"] for c in body["groups"][0]["components"]] == ["unknown", "unknown"]
    assert body["overall"]["status"] == "operational"


def test_answers_carry_etags_cache_headers_and_cors(client, page_of):
    page_of()
    first = client.get(SUMMARY)
    assert first.headers["Cache-Control"] == "public, max-age=30, stale-while-revalidate=60"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    etag = first.headers["ETag"]
    again = client.get(SUMMARY, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.request("HEAD", SUMMARY).status_code == 200
    assert client.post(SUMMARY).status_code == 405
    feed = client.get("/status/acme/feed.atom")
    assert feed.headers["Cache-Control"] == "public, max-age=300"


def test_a_status_change_clears_the_cached_page_at_once(ctx, client, page_of, published):
    _page, web, _db = page_of()
    record_results([result(web["id"], OK)])
    assert client.get(SUMMARY).json["groups"][0]["components"][0]["status"] == "operational"
    record_results([result(web["id"], DOWN)])
    assert client.get(SUMMARY).json["groups"][0]["components"][0]["status"] == "outage"


def test_a_rename_clears_the_cached_page(client, as_alice, page_of):
    _page, _web, db_server = page_of()
    assert client.get(SUMMARY).json["groups"][0]["components"][1]["name"] == "db"
    as_alice.patch(f"/api/servers/{db_server['id']}/", json={"name": "database"})
    assert client.get(SUMMARY).json["groups"][0]["components"][1]["name"] == "database"


def test_unpublishing_hides_the_page_at_once(client, as_alice, page_of):
    page, _web, _db = page_of()
    assert client.get(SUMMARY).status_code == 200
    as_alice.patch(f"/api/status-pages/{page['id']}/", json={"published": False})
    assert client.get(SUMMARY).status_code == 404


def test_bars_take_1_to_90_days(client, page_of):
    page_of()
    for days in (0, 91, "x"):
        response = client.get(f"{SUMMARY}uptime/?days={days}")
        assert response.status_code == 422 and "days" in response.json["errors"]["query"]
    body = client.get(f"{SUMMARY}uptime/?days=7").json
    assert body["timezone"] == "UTC" and len(body["days"]) == 7
    (bars, _other) = body["components"].values()
    assert len(bars) == 7 and bars[0]["status"] == "no_data"  # before the servers existed
    assert set(bars[-1]) == {"date", "uptime_pct", "status", "downtime_seconds",
                             "degraded_seconds", "maintenance_seconds", "incidents"}  # fmt: skip
    assert len(client.get(f"{SUMMARY}uptime/").json["days"]) == 90  # the page's bar_days


def test_the_html_page_works_without_javascript(ctx, client, page_of, published):
    _page, web, _db = page_of(refresh_seconds=45, footer_text="Call us <now>")
    record_results([result(web["id"], OK)])
    response = client.get("/status/acme")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert '<noscript><meta http-equiv="refresh" content="45"></noscript>' in html
    assert "Public API" in html and "operational" in html and "Call us &lt;now&gt;" in html
    assert html.count('class="bar ') == 2 * 90
    assert "<main" in html and "<header" in html and "<footer" in html
    assert "img-src 'self' data: https:" in response.headers["Content-Security-Policy"]


def test_feeds_are_atom_and_rss(client, page_of):
    page_of()
    atom = client.get("/status/acme/feed.atom")
    assert atom.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(atom.get_data())
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.find("{http://www.w3.org/2005/Atom}id").text.startswith("urn:pulseguard:p_")
    rss = client.get("/status/acme/feed.rss")
    assert rss.mimetype == "application/rss+xml"
    assert ElementTree.fromstring(rss.get_data()).find("channel/title").text == "Acme status"


def test_the_page_badge_shows_the_overall_status(ctx, client, page_of, published):
    _page, web, db_server = page_of()
    record_results([result(web["id"], OK), result(db_server["id"], OK)])
    svg = client.get("/api/public/status-pages/acme/badge.svg?label=<b>acme</b>")
    assert svg.mimetype == "image/svg+xml" and "operational" in svg.get_data(as_text=True)
    assert "<b>acme" not in svg.get_data(as_text=True)
    assert client.get("/api/public/status-pages/acme/badge.json").json == {
        "schemaVersion": 1, "label": "status", "message": "operational",
        "color": "brightgreen", "cacheSeconds": 300,
    }  # fmt: skip
    assert client.get("/api/public/status-pages/acme/badge.png").status_code == 404
    assert client.get(f"/api/public/status-pages/{'a' * 65}/").status_code == 404


def test_public_routes_share_a_rate_limit_per_address(database_url, page_of):
    from pulseguard import create_app

    page_of()
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATE_LIMIT_PUBLIC": "3 per minute",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }
    client = create_app(make_config(database_url, **settings)).test_client()
    away_from_a_minute_end()
    codes = [client.get(url).status_code for url in (SUMMARY, "/status/acme", f"{SUMMARY}uptime/")]
    assert codes == [200, 200, 200]
    limited = client.get("/api/public/status-pages/acme/badge.svg")
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert limited.json["code"] == 429
