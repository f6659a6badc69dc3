"""POST /api/config/apply/: servers matched by key, idempotent, dry run, diff, prune guard."""

import json

from pulseguard.extensions import db
from pulseguard.models import Server

YAML = {"Content-Type": "application/yaml"}


def apply(api, text, query="", **headers):
    return api.post(f"/api/config/apply/{query}", data=text, headers=YAML | headers)


def export(api):
    return api.get("/api/config/export/")


DOC = """\
version: 1
servers:
  - key: api-prod
    name: "API (prod)"
    protocol: https
    host: api.example.com
    check_interval: 30
    tags: [prod, api]
  - key: nightly-backup
    name: Nightly backup
    protocol: push
    push: {cron: "30 2 * * *", timezone: Europe/Berlin, grace: 3600}
"""


def test_a_document_creates_its_servers_and_the_second_apply_changes_nothing(as_alice):
    first = apply(as_alice, DOC)
    assert first.status_code == 200, first.json
    assert first.json["summary"]["servers"] == {
        "create": 2, "update": 0, "delete": 0, "unchanged": 0, "unmanaged": 0
    }  # fmt: skip
    assert first.json["dry_run"] is False
    servers = {s["key"]: s for s in as_alice.get("/api/servers/").json}
    assert servers["api-prod"]["check_interval"] == 30 and servers["api-prod"]["port"] == 443
    assert servers["nightly-backup"]["push"]["cron"] == "30 2 * * *"
    assert servers["nightly-backup"]["push"]["token"]  # made, like any push server
    second = apply(as_alice, DOC)
    assert second.json["summary"]["servers"]["unchanged"] == 2
    assert second.json["changes"] == []
    assert first.json["revision"] == second.json["revision"]
    assert export(as_alice).headers["ETag"] == f'"{second.json["revision"]}"'


def test_the_export_applied_back_changes_nothing(as_alice, make_server):
    make_server(name="web", tags=["on", "0755"])
    make_server(name="db", protocol="tcp", port=5432)
    as_alice.post("/api/servers/", json={"name": "cron", "protocol": "push",
                                         "push": {"period": 3600}})  # fmt: skip
    exported = export(as_alice)
    response = apply(as_alice, exported.get_data(as_text=True))
    assert response.status_code == 200, response.json
    assert response.json["summary"]["servers"]["unchanged"] == 3
    assert response.json["changes"] == []
    assert f'"{response.json["revision"]}"' == exported.headers["ETag"]
    as_json = as_alice.get("/api/config/export/?format=json").get_data(as_text=True)
    response = as_alice.post("/api/config/apply/", data=as_json,
                             headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.json["summary"]["servers"]["unchanged"] == 3


def test_one_changed_field_is_one_update_with_its_diff(as_alice):
    apply(as_alice, DOC)
    token = next(s for s in as_alice.get("/api/servers/").json if s["protocol"] == "push")
    changed = DOC.replace("check_interval: 30", "check_interval: 60").replace(
        "grace: 3600", "grace: 600"
    )
    plan = apply(as_alice, changed, "?dry_run=true")
    assert plan.json["dry_run"] is True
    assert plan.json["summary"]["servers"]["update"] == 2
    diffs = {c["key"]: c["diff"] for c in plan.json["changes"]}
    assert diffs == {"api-prod": {"check_interval": [30, 60]},
                     "nightly-backup": {"push.grace": [3600, 600]}}  # fmt: skip
    stored = {s["key"]: s for s in as_alice.get("/api/servers/").json}
    assert stored["api-prod"]["check_interval"] == 30  # a dry run writes nothing
    done = apply(as_alice, changed)
    assert done.json["summary"]["servers"]["update"] == 2
    stored = {s["key"]: s for s in as_alice.get("/api/servers/").json}
    assert stored["api-prod"]["check_interval"] == 60
    assert stored["nightly-backup"]["push"]["grace"] == 600
    assert stored["nightly-backup"]["push"]["token"] == token["push"]["token"]  # runtime kept
    assert stored["api-prod"]["id"] == next(
        s["id"] for s in as_alice.get("/api/servers/").json if s["key"] == "api-prod"
    )


def test_a_left_out_field_takes_its_default(as_alice):
    apply(as_alice, DOC)
    response = apply(as_alice, DOC.replace("    check_interval: 30\n", ""))
    assert response.json["changes"][0]["diff"] == {"check_interval": [30, 60]}


def test_servers_left_out_are_unmanaged_unless_pruned(as_alice, app):
    apply(as_alice, DOC)
    empty = apply(as_alice, "version: 1\nservers: []\n")
    assert empty.status_code == 200
    assert empty.json["summary"]["servers"]["unmanaged"] == 2
    assert len(as_alice.get("/api/servers/").json) == 2  # nothing deleted
    guarded = apply(as_alice, "version: 1\nservers: []\n", "?prune=true&max_deletes=1")
    assert guarded.status_code == 409 and "max_deletes" in guarded.json["message"]
    assert len(as_alice.get("/api/servers/").json) == 2
    pruned = apply(as_alice, "version: 1\nservers: []\n", "?prune=true")
    assert pruned.json["summary"]["servers"]["delete"] == 2
    assert as_alice.get("/api/servers/").json == []
    no_servers_key = apply(as_alice, "version: 1\n", "?prune=true")
    assert no_servers_key.status_code == 200


def test_every_error_is_reported_by_document_path_and_nothing_changes(as_alice):
    apply(as_alice, DOC)
    bad = """\
version: 1
servers:
  - key: ok
    name: fine
    host: ok.example.com
  - {key: db, name: db, protocol: tcp, host: db.example.com}
  - {name: no key, host: x.example.com}
  - {key: Bad Key, name: x, host: x.example.com, port: 70000}
  - {key: cron, name: cron, protocol: push, push: {grace: 30}}
  - {key: ok, name: again, host: ok.example.com}
  - {key: tags, name: tags, host: t.example.com, tags: [0755, on, 1.5]}
  - just a string
"""
    response = apply(as_alice, bad)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"]
    assert set(errors) == {
        "servers[1].port", "servers[2].key", "servers[3].key", "servers[3].port",
        "servers[4].push.grace", "servers[5].key", "servers[6].tags[0]", "servers[6].tags[2]",
        "servers[7]",
    }  # fmt: skip
    assert "Duplicate key 'ok'" in errors["servers[5].key"][0]
    assert errors["servers[6].tags[0]"] == ["Must be a string (quote it: '755')."]
    assert errors["servers[4].push.grace"] == ["Must be between 60 and 31536000."]
    assert {s["key"] for s in as_alice.get("/api/servers/").json} == {"api-prod", "nightly-backup"}


def test_if_match_must_be_the_current_revision(as_alice, make_server):
    server = make_server(name="web")
    etag = export(as_alice).headers["ETag"]
    text = export(as_alice).get_data(as_text=True)
    assert apply(as_alice, text, **{"If-Match": etag}).status_code == 200
    as_alice.patch(f"/api/servers/{server['id']}/", json={"check_interval": 30})
    stale = apply(as_alice, text.replace('"web"', '"web"'), **{"If-Match": etag})
    assert stale.status_code == 412
    assert as_alice.get(f"/api/servers/{server['id']}/").json["check_interval"] == 30


def test_it_never_reaches_another_users_servers(as_alice, as_bob, make_server):
    make_server(api=as_bob, name="web", key="web")
    response = apply(as_alice, DOC.replace("api-prod", "web"), "?prune=true")
    assert response.json["summary"]["servers"]["create"] == 2
    bobs = as_bob.get("/api/servers/").json
    assert [(s["key"], s["name"]) for s in bobs] == [("web", "web")]
    pruned = apply(as_alice, "version: 1\nservers: []\n", "?prune=true")
    assert pruned.json["summary"]["servers"]["delete"] == 2
    assert len(as_bob.get("/api/servers/").json) == 1


def test_a_cron_on_days_and_weekdays_warns(as_alice):
    cron = "{key: c, name: c, protocol: push, push: {cron: '0 19 1-7 * 3'}}"
    doc = f"version: 1\nservers:\n  - {cron}\n"
    response = apply(as_alice, doc, "?dry_run=true")
    assert response.status_code == 200
    assert response.json["warnings"] and "servers[0].push.cron" in response.json["warnings"][0]


def test_json_documents_and_bad_bodies(as_alice, app):
    body = json.dumps({"version": 1, "servers": [{"key": "a", "name": "a", "host": "a.example"}]})
    ok = as_alice.post(
        "/api/config/apply/", data=body, headers={"Content-Type": "application/json"}
    )
    assert ok.status_code == 200 and ok.json["summary"]["servers"]["create"] == 1
    duplicate = '{"version": 1, "version": 1, "servers": []}'
    response = as_alice.post("/api/config/apply/", data=duplicate,
                             headers={"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 422 and "duplicate" in response.json["message"]
    for text in ("[1, 2]", "version: 2\nservers: []\n", "version: 1\nservers: {}\n",
                 "version: 1\nstatus_pages: {}\n", "version: 1\nextra: 1\n", ": : :"):  # fmt: skip
        response = apply(as_alice, text)
        assert response.status_code == 422, (text, response.json)
    assert as_alice.post("/api/config/apply/", data=b"\xff\xfe",
                         headers=YAML).status_code == 422  # fmt: skip
    with app.app_context():
        assert db.session.query(Server).count() == 1
