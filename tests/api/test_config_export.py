"""GET /api/config/export/ and `flask config export`: your servers as a document, by key."""

import json

from ruamel.yaml import YAML

from pulseguard.commands.config import export as export_command

DNS = {
    "name": "Resolver",
    "protocol": "dns",
    "host": "example.com",
    "dns": {"resolvers": ["192.0.2.1"]},
}


def test_the_export_is_yaml_1_2_of_declarative_fields_by_key(as_alice, make_server):
    make_server(name="web", tags=["on", "0755"], key="web")
    make_server(name="API (prod)", protocol="tcp", port=22)
    response = as_alice.get("/api/config/export/")
    assert response.status_code == 200 and response.mimetype == "application/yaml"
    text = response.get_data(as_text=True)
    assert text.startswith("%YAML 1.2\n---\n")
    assert '- "on"' in text and '- "0755"' in text  # quoted: no YAML 1.1 reader turns them
    document = YAML(typ="safe", pure=True).load(text)
    assert document["version"] == 1
    assert [s["key"] for s in document["servers"]] == ["api-prod", "web"]
    web = document["servers"][1]
    assert list(web)[:3] == ["key", "name", "protocol"]
    assert web["tags"] == ["on", "0755"] and web["port"] == 8080
    for runtime in ("id", "owner", "created_at", "updated_at", "tls_expires_at"):
        assert runtime not in web
    assert web["notifications"] == []  # managed: an apply of this file keeps it at none


def test_json_has_the_same_document_and_the_etag_follows_changes(as_alice, make_server):
    server = make_server(name="web")
    as_json = as_alice.get("/api/config/export/?format=json")
    assert as_json.mimetype == "application/json"
    as_yaml = as_alice.get("/api/config/export/")
    assert YAML(typ="safe", pure=True).load(as_yaml.get_data(as_text=True)) == as_json.json
    etag = as_json.headers["ETag"]
    assert etag.startswith('"') and as_yaml.headers["ETag"] == etag
    assert as_alice.get("/api/config/export/").headers["ETag"] == etag  # stable
    as_alice.patch(f"/api/servers/{server['id']}/", json={"check_interval": 30})
    assert as_alice.get("/api/config/export/").headers["ETag"] != etag


def test_it_exports_only_your_servers_and_kinds_blocks(as_alice, as_bob, make_server):
    make_server(name="mine")
    make_server(api=as_bob, name="bobs")
    kinds = as_alice.post("/api/servers/", json=DNS)
    exported = as_alice.get("/api/config/export/?format=json").json["servers"]
    assert {s["key"] for s in exported} == {"mine", "resolver"}
    if kinds.status_code == 201:  # the dns kind is registered
        assert next(s for s in exported if s["key"] == "resolver")["dns"]["resolvers"] == [
            "192.0.2.1"
        ]


def test_read_keys_export_and_bad_queries_get_422(as_alice, make_server, app):
    make_server()
    created = as_alice.post("/api/auth/api-keys/", json={"name": "ci", "scopes": ["read"]}).json
    client = app.test_client()
    response = client.get("/api/config/export/", headers={"X-API-Key": created["key"]})
    assert response.status_code == 200
    assert as_alice.get("/api/config/export/?format=xml").status_code == 422
    for include in ("incidents", "notification_configs", ""):
        response = as_alice.get(f"/api/config/export/?include={include}")
        assert response.status_code == 422 and "include" in response.json["errors"]["query"]
    assert client.get("/api/config/export/").status_code == 401


def test_the_cli_prints_the_same_document(app, as_alice, alice, make_server):
    make_server(name="web")
    result = app.test_cli_runner().invoke(export_command, ["--user", "alice", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == as_alice.get("/api/config/export/?format=json").json
    missing = app.test_cli_runner().invoke(export_command, ["--user", "nobody"])
    assert missing.exit_code != 0 and "No user" in missing.output
