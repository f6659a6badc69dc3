"""The owner's side of status pages: create, list, edit, delete, preview, and bad input."""

import pytest


def test_alice_creates_a_page_with_defaults(as_alice, make_page):
    page = make_page()
    assert page["published"] is False and page["timezone"] == "UTC" and page["bar_days"] == 90
    assert page["show_uptime"] and page["show_bars"] and not page["show_hostnames"]
    assert page["public_url"].endswith("/status/acme")
    assert page["feed_urls"]["atom"].endswith("/status/acme/feed.atom")
    assert page["badge_url"].endswith("/api/public/status-pages/acme/badge.svg")
    assert [p["slug"] for p in as_alice.get("/api/status-pages/").json] == ["acme"]


def test_bob_neither_sees_nor_edits_alices_page(as_bob, make_page):
    page = make_page()
    assert as_bob.get("/api/status-pages/").json == []
    for method in ("get", "patch", "delete"):
        response = getattr(as_bob, method)(f"/api/status-pages/{page['id']}/", json={})
        assert response.status_code == 404
    assert as_bob.get(f"/api/status-pages/{page['id']}/preview/").status_code == 404


def test_anonymous_callers_get_401(client):
    assert client.get("/api/status-pages/").status_code == 401


def test_slugs_are_unique_across_users(as_bob, make_page):
    make_page()
    response = as_bob.post("/api/status-pages/", json={"slug": "acme", "title": "Mine"})
    assert response.status_code == 409 and response.json["message"] == "slug already taken"


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"slug": "api"}, ["slug"]),
        ({"slug": "Acme"}, ["slug"]),
        ({"slug": "-acme"}, ["slug"]),
        ({"slug": "a" * 65}, ["slug"]),
        ({"title": ""}, ["title"]),
        ({"timezone": "CET+1"}, ["timezone"]),
        ({"bar_days": 45}, ["bar_days"]),
        ({"refresh_seconds": 10}, ["refresh_seconds"]),
        ({"logo_url": "http://example.com/logo.png"}, ["logo_url"]),
        ({"theme": "pink"}, ["theme"]),
        ({"footer_text": "x" * 501}, ["footer_text"]),
        ({"groups": [{"name": "", "servers": []}]}, ["groups", "0", "name"]),
        ({"groups": [{"name": "A"}] * 51}, ["groups"]),
    ],
)
def test_bad_input_gets_422_at_its_field(as_alice, fields, path):
    body = {"slug": "acme", "title": "Acme"} | fields
    response = as_alice.post("/api/status-pages/", json=body)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"]
    for key in path:
        errors = errors[key]
    assert errors
    assert as_alice.get("/api/status-pages/").json == []  # nothing half-written


def test_only_your_own_servers_once_each(as_alice, as_bob, make_server, make_page):
    mine = make_server()
    theirs = make_server(api=as_bob, name="bob's")
    groups = [{"name": "A", "servers": [{"server": mine["id"]}, {"server": theirs["id"]}]},
              {"name": "B", "servers": [{"server": mine["id"]}]}]  # fmt: skip
    response = as_alice.post(
        "/api/status-pages/", json={"slug": "a", "title": "A", "groups": groups}
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["groups"] == {
        "0": {"servers": {"1": {"server": ["Unknown server."]}}},
        "1": {"servers": {"0": {"server": ["Listed twice on this page."]}}},
    }


def test_legacy_zone_names_are_stored_under_their_current_one(make_page):
    assert make_page(timezone="Europe/Kiev")["timezone"] == "Europe/Kyiv"


def test_patch_replaces_groups_and_delete_hides_the_page(as_alice, client, page_of):
    page, web, _db = page_of()
    groups = [{"name": "Only", "servers": [{"server": web["id"]}]}]
    response = as_alice.patch(f"/api/status-pages/{page['id']}/", json={"groups": groups})
    assert response.status_code == 200 and response.json["groups"] == groups
    assert client.get("/api/public/status-pages/acme/").json["groups"][0]["name"] == "Only"
    assert as_alice.delete(f"/api/status-pages/{page['id']}/").status_code == 204
    assert client.get("/api/public/status-pages/acme/").status_code == 404


def test_preview_shows_the_public_json_while_unpublished(as_alice, client, make_page):
    page = make_page(description="**Hello** <script>alert(1)</script>")
    preview = as_alice.get(f"/api/status-pages/{page['id']}/preview/")
    assert preview.status_code == 200 and preview.json["title"] == "Acme status"
    assert preview.json["description_html"] == "<p><strong>Hello</strong> </p>"
    assert client.get("/api/public/status-pages/acme/").status_code == 404
