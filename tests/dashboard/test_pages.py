"""The dashboard's pages: first-run setup, the page shells, and their static files."""

import re

import pytest
from flask import url_for


def test_the_first_visit_offers_to_create_the_admin(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"setup-form" in response.data and b"Create the administrator" in response.data


def test_once_a_user_exists_the_root_is_the_overview(client, alice):
    response = client.get("/")
    assert b"setup-form" not in response.data and b'id="servers"' in response.data


PAGES = ["/login", "/servers/new", "/servers/7", "/servers/7/edit", "/incidents", "/maintenance"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_served_without_a_token(client, alice, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"


def test_pages_load_nothing_from_other_sites(client, alice):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert b"http://" not in response.data and b"https://" not in response.data


@pytest.mark.parametrize(
    "filename",
    [
        "js/overview.js",
        "js/api.js",
        "css/dashboard.css",
        "vendor/uplot/uPlot.esm.js",
        "vendor/uplot/LICENSE",
    ],
)
def test_static_files_are_served_for_long_caching(app, client, filename):
    with app.test_request_context():
        url = url_for("dashboard.static", filename=filename)
    response = client.get(url)
    assert response.status_code == 200 and len(response.data) > 100
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()


def test_static_urls_carry_the_content_version(client, alice):
    page = client.get("/").data.decode()
    assert re.search(r"/static/dashboard/[0-9a-f]{10}/js/overview\.js", page)


def test_the_api_index_and_docs_still_answer(client):
    assert client.get("/api/").status_code == 200
    assert "/api/overview/" in client.get("/api/openapi.json").json["paths"]
