"""Servers: CRUD, validation, filters, pagination and ownership."""

import json

import pytest


def test_it_creates_a_server_with_defaults(as_alice, alice):
    response = as_alice.post("/api/servers/", json={"name": "site", "host": "example.com"})
    assert response.status_code == 201
    server = response.json
    assert server["protocol"] == "https" and server["port"] == 443 and server["path"] == "/"
    assert server["check_interval"] == 60 and server["timeout"] == 10
    assert server["status"] == "active" and server["tags"] == [] and server["notifications"] == []
    assert server["owner"] == alice.id


def test_a_new_server_has_an_unknown_status(as_alice, make_server):
    server = make_server()
    statuses = as_alice.get(f"/api/server-status/?server_id={server['id']}").json
    assert [s["status"] for s in statuses] == ["unknown"]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": ""}, "name"),
        ({"host": "http://example.com"}, "host"),
        ({"host": "example.com/path"}, "host"),
        ({"protocol": "ftp"}, "protocol"),
        ({"port": 70000}, "port"),
        ({"check_interval": 5}, "check_interval"),
        ({"timeout": 0}, "timeout"),
        ({"status": "sleeping"}, "status"),
        ({"tags": "prod"}, "tags"),
        ({"expected_status": "2xx"}, "expected_status"),
        ({"protocol": "tcp", "port": None}, "port"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_it_rejects_invalid_fields(as_alice, fields, field):
    body = {"name": "site", "host": "example.com"} | fields
    response = as_alice.post("/api/servers/", json=body)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_it_answers_400_json_to_malformed_json(as_alice):
    response = as_alice.post(
        "/api/servers/", data="{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json["code"] == 400


def test_routes_answer_without_the_trailing_slash(as_alice):
    response = as_alice.post("/api/servers", json={"name": "site", "host": "example.com"})
    assert response.status_code == 201
    assert as_alice.get("/api/servers").status_code == 200


def test_it_hides_other_users_servers(as_alice, as_bob, make_server):
    server = make_server()
    assert as_bob.get("/api/servers/").json == []
    for method in ("get", "patch", "delete"):
        response = getattr(as_bob, method)(f"/api/servers/{server['id']}/", json={})
        assert response.status_code == 404


def test_admins_see_every_server(as_admin, make_server):
    make_server()
    assert len(as_admin.get("/api/servers/").json) == 1


def test_filters_by_tag_name_status_and_protocol(as_alice, make_server):
    make_server(name="prod-api", tags=["prod", "api"])
    make_server(name="staging", tags=["staging"], status="paused", protocol="tcp")

    def names(query):
        return [s["name"] for s in as_alice.get(f"/api/servers/?{query}").json]

    assert names("tag=prod") == ["prod-api"]
    assert names("tag=pro") == []
    assert names("q=PROD") == ["prod-api"]
    assert names("status=paused") == ["staging"]
    assert names("protocol=tcp") == ["staging"]


def test_lists_are_paginated(as_alice, make_server):
    for i in range(5):
        make_server(name=f"s{i}")
    response = as_alice.get("/api/servers/?page=2&page_size=2")
    assert [s["name"] for s in response.json] == ["s2", "s3"]
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == 5 and pagination["total_pages"] == 3
    assert as_alice.get("/api/servers/?page_size=501").status_code == 422


def test_patch_changes_only_what_it_names(as_alice, make_server):
    server = make_server(tags=["a"])
    response = as_alice.patch(f"/api/servers/{server['id']}/", json={"name": "renamed"})
    assert response.status_code == 200
    assert response.json["name"] == "renamed" and response.json["tags"] == ["a"]


def test_switching_protocol_moves_a_default_port(as_alice, make_server):
    server = make_server(protocol="http", port=None)
    assert server["port"] == 80
    response = as_alice.patch(f"/api/servers/{server['id']}/", json={"protocol": "https"})
    assert response.json["port"] == 443


def test_delete_removes_the_server_and_its_status(as_alice, make_server):
    server = make_server()
    assert as_alice.delete(f"/api/servers/{server['id']}/").status_code == 204
    assert as_alice.get(f"/api/servers/{server['id']}/").status_code == 404
    assert as_alice.get("/api/server-status/").json == []


@pytest.mark.parametrize("name", [" ", "   ", "\t\n", "\u3000"])
def test_a_name_must_contain_a_non_space_character(as_alice, make_server, name):
    created = as_alice.post("/api/servers/", json={"name": name, "host": "example.com"})
    assert created.status_code == 422
    assert "name" in json.dumps(created.json)
    server = make_server()
    patched = as_alice.patch(f"/api/servers/{server['id']}/", json={"name": name})
    assert patched.status_code == 422
    assert "name" in json.dumps(patched.json)
    assert as_alice.get(f"/api/servers/{server['id']}/").json["name"] == server["name"]
