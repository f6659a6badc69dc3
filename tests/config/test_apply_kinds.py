"""Config as code for notification configs, maintenance windows and status pages (API-NEXT §7)."""

from ruamel.yaml import YAML

from tests.config.test_apply import apply

SLACK = "https://hooks.slack.com/services/T1234ABCD/B1234ABCD/abcdefghijklmnopqrstuvwx"
SLACK_2 = "https://hooks.slack.com/services/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"

DOC = f"""\
version: 1
servers:
  - key: api-prod
    name: "API (prod)"
    protocol: https
    host: api.example.com
    tags: [prod, api]
    notifications:
      - {{key: ops-slack, notification_type: slack, recipient: "{SLACK}",
          events: [down, recovery, cert_expiring]}}
      - {{key: oncall, notification_type: email, recipient: oncall@example.com}}
  - key: db
    name: Database
    protocol: tcp
    host: db.example.com
    port: 5432
    tags: [prod]
notification_configs:
  - {{key: everyone, name: Everyone, notification_type: webhook,
      recipient: "https://hooks.example.com/pulse", secret: s3cret, tags: [prod]}}
maintenance_windows:
  - key: sunday-patching
    name: Sunday patching
    schedule: {{type: rrule, rrule: "FREQ=WEEKLY;BYDAY=SU", dtstart: "2026-01-04T03:00",
                timezone: Europe/Berlin, duration: 3600}}
    tags: [prod]
  - key: db-upgrade
    name: DB upgrade
    schedule: {{type: cron, expression: "0 19 * * 3#1", timezone: UTC, duration: 1800}}
    servers: [db, api-prod]
    status_pages: [acme]
  - key: freeze
    name: Freeze
    schedule: {{type: once, start: "2099-01-01T00:00:00+00:00", end: "2099-01-02T00:00:00+00:00"}}
    all_servers: true
  - {{key: by-hand, name: By hand, schedule: {{type: manual}}, servers: [db], checks: skip}}
status_pages:
  - slug: acme
    title: Acme status
    published: true
    bar_days: 30
    groups:
      - {{name: API, servers: [api-prod, {{server: db, display_name: "The database"}}]}}
"""


def export(api, query=""):
    return api.get(f"/api/config/export/{query}")


def load(response):
    return YAML(typ="safe", pure=True).load(response.get_data(as_text=True))


def test_every_kind_is_created_and_the_second_apply_changes_nothing(as_alice):
    first = apply(as_alice, DOC)
    assert first.status_code == 200, first.json
    summary = first.json["summary"]
    assert {kind: counts["create"] for kind, counts in summary.items()} == {
        "servers": 2, "notification_configs": 3, "maintenance_windows": 4, "status_pages": 1,
    }  # fmt: skip
    configs = {c["key"]: c for c in as_alice.get("/api/notification-configs/").json}
    servers = {s["key"]: s for s in as_alice.get("/api/servers/").json}
    assert configs["ops-slack"]["server"] == servers["api-prod"]["id"]
    assert configs["everyone"]["server"] is None and configs["everyone"]["secret_set"] is True
    assert configs["everyone"]["tags"] == ["prod"]
    windows = {w["key"]: w for w in as_alice.get("/api/maintenance-windows/").json}
    assert sorted(windows["db-upgrade"]["servers"]) == sorted(
        [servers["db"]["id"], servers["api-prod"]["id"]]
    )
    page = as_alice.get("/api/status-pages/").json[0]
    assert windows["db-upgrade"]["status_pages"] == [page["id"]]
    assert page["groups"] == [{"name": "API", "servers": [
        {"server": servers["api-prod"]["id"]},
        {"server": servers["db"]["id"], "display_name": "The database"}]}]  # fmt: skip
    assert page["bar_days"] == 30 and page["published"] is True
    second = apply(as_alice, DOC)
    assert second.json["changes"] == [], second.json["changes"]
    assert all(
        c["create"] + c["update"] + c["delete"] == 0 for c in second.json["summary"].values()
    )
    assert export(as_alice).headers["ETag"] == f'"{second.json["revision"]}"'


def test_the_export_applied_back_changes_nothing_and_masks_secrets(as_alice):
    apply(as_alice, DOC)
    exported = export(as_alice)
    document = load(exported)
    api = document["servers"][0]
    assert [c["key"] for c in api["notifications"]] == ["oncall", "ops-slack"]
    slack = api["notifications"][1]
    assert slack["recipient"] != SLACK and SLACK[-4:] in slack["recipient"]  # masked
    assert slack["recipient"] == "https://…uvwx"
    assert api["notifications"][0]["recipient"] == "oncall@example.com"  # e-mail: not a secret
    wide = document["notification_configs"][0]
    assert "secret" not in wide and "api_key" not in wide["options"]
    assert "s3cret" not in exported.get_data(as_text=True)
    assert document["status_pages"][0]["groups"][0]["servers"] == [
        "api-prod", {"server": "db", "display_name": "The database"}
    ]  # fmt: skip
    assert document["maintenance_windows"][1]["servers"] == ["api-prod", "db"]  # sorted keys
    again = apply(as_alice, exported.get_data(as_text=True))
    assert again.status_code == 200, again.json
    assert again.json["changes"] == []
    stored = {c["key"]: c for c in as_alice.get("/api/notification-configs/").json}
    assert stored["everyone"]["secret_set"] is True  # the left-out secret was kept


def test_the_round_trip_through_an_empty_account_gives_the_same_document(as_alice, as_bob):
    apply(as_alice, DOC)
    full = export(as_alice, "?secrets=include&format=json").json
    assert full["notification_configs"][0]["secret"] == "s3cret"
    assert full["servers"][0]["notifications"][1]["recipient"] == SLACK
    emptied = apply(as_alice, "version: 1\nservers: []\nnotification_configs: []\n"
                    "maintenance_windows: []\nstatus_pages: []\n", "?prune=true")  # fmt: skip
    assert emptied.status_code == 200, emptied.json
    assert sum(c["delete"] for c in emptied.json["summary"].values()) == 2 + 1 + 4 + 1
    assert as_alice.get("/api/notification-configs/").json == []
    rebuilt = as_alice.post("/api/config/apply/", json=full)
    assert rebuilt.status_code == 200, rebuilt.json
    assert export(as_alice, "?secrets=include&format=json").json == full
    without_page = dict(full, status_pages=[])
    without_page["maintenance_windows"] = [
        w | {"status_pages": []} for w in full["maintenance_windows"]
    ]
    assert as_bob.post("/api/config/apply/", json=without_page).status_code == 200
    assert export(as_bob, "?secrets=include&format=json").json == without_page
    taken = as_bob.post("/api/config/apply/", json=full)
    assert taken.status_code == 422
    assert taken.json["errors"]["json"]["status_pages[0].slug"] == ["slug already taken"]


def test_secrets_left_out_are_kept_and_a_changed_one_shows_only_that_it_changed(as_alice):
    apply(as_alice, DOC)
    changed = DOC.replace(SLACK, SLACK_2)
    plan = apply(as_alice, changed, "?dry_run=true")
    (change,) = plan.json["changes"]
    assert change["key"] == "api-prod/ops-slack" and change["action"] == "update"
    assert change["diff"] == {"recipient": ["<secret>", "<secret changed>"]}
    assert SLACK_2 not in plan.get_data(as_text=True)
    kept = DOC.replace(f'recipient: "{SLACK}"', "recipient: null").replace("secret: s3cret, ", "")
    assert apply(as_alice, kept).json["changes"] == []
    new = DOC.replace("recipient: oncall@example.com", "recipient: null").replace(
        "key: oncall", "key: pager"
    )
    refused = apply(as_alice, new)
    assert refused.status_code == 422
    errors = refused.json["errors"]["json"]
    assert list(errors) == ["servers[0].notifications[1].recipient"]
    assert "Required for a new config" in errors["servers[0].notifications[1].recipient"][0]


def test_secrets_in_plain_text_need_a_jwt(as_alice, app):
    apply(as_alice, DOC)
    key = as_alice.post("/api/auth/api-keys/", json={"name": "ci", "scopes": ["write"]}).json
    client = app.test_client()
    headers = {"X-API-Key": key["key"]}
    assert client.get("/api/config/export/?secrets=include", headers=headers).status_code == 403
    assert client.get("/api/config/export/", headers=headers).status_code == 200


def test_every_error_of_every_kind_is_reported_by_path_and_nothing_changes(as_alice):
    apply(as_alice, DOC)
    etag = export(as_alice).headers["ETag"]
    bad = """\
version: 1
servers:
  - key: api-prod
    name: API
    host: api.example.com
    notifications:
      - {notification_type: email, recipient: a@example.com}
      - {key: x, notification_type: email, recipient: a@example.com, events: [sometimes]}
      - {key: y, notification_type: email, recipient: a@example.com, server: 3}
notification_configs:
  - {key: z, notification_type: slack, recipient: "slack://onlyonetoken"}
maintenance_windows:
  - {key: w1, name: W1, schedule: {type: cron, expression: "61 * * * *", duration: 600},
     servers: [api-prod]}
  - {key: w2, name: W2, schedule: {type: manual}, servers: [api-stg], status_pages: [nope]}
  - {key: w3, name: W3, schedule: {type: manual}}
  - {name: no key, schedule: {type: manual}, all_servers: true}
status_pages:
  - slug: api
    title: Reserved
  - slug: acme
    title: Acme
    groups: [{name: G, servers: [api-prod, api-stg, api-prod]}]
"""
    response = apply(as_alice, bad)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]["json"]
    assert set(errors) == {
        "servers[0].notifications[0].key", "servers[0].notifications[1].events[0]",
        "servers[0].notifications[2].server", "notification_configs[0].recipient",
        "maintenance_windows[0].schedule.expression", "maintenance_windows[1].servers[0]",
        "maintenance_windows[1].status_pages[0]", "maintenance_windows[2].servers",
        "maintenance_windows[3].key", "status_pages[0].slug",
        "status_pages[1].groups[0].servers[1]", "status_pages[1].groups[0].servers[2]",
    }  # fmt: skip
    assert errors["status_pages[1].groups[0].servers[1]"] == ["Unknown server key 'api-stg'."]
    assert errors["status_pages[1].groups[0].servers[2]"] == ["Listed twice on this page."]
    assert errors["maintenance_windows[1].servers[0]"] == ["Unknown server key 'api-stg'."]
    assert errors["maintenance_windows[2].servers"] == ["Select servers, tags or status pages."]
    assert export(as_alice).headers["ETag"] == etag  # nothing changed


def test_left_out_objects_of_every_kind_are_unmanaged_unless_pruned(as_alice):
    apply(as_alice, DOC)
    kinds = "notification_configs: []\nmaintenance_windows: []\nstatus_pages: []\n"
    kept = apply(as_alice, "version: 1\n" + kinds)
    assert kept.status_code == 200
    summary = kept.json["summary"]
    assert summary["notification_configs"]["unmanaged"] == 1  # the wide one: no server listed
    assert summary["maintenance_windows"]["unmanaged"] == 4
    assert summary["status_pages"]["unmanaged"] == 1
    guarded = apply(as_alice, "version: 1\n" + kinds, "?prune=true&max_deletes=5")
    assert guarded.status_code == 409 and "6" in guarded.json["message"]
    assert len(as_alice.get("/api/maintenance-windows/").json) == 4
    pruned = apply(as_alice, "version: 1\n" + kinds, "?prune=true&max_deletes=6")
    assert pruned.status_code == 200, pruned.json
    assert as_alice.get("/api/maintenance-windows/").json == []
    assert as_alice.get("/api/status-pages/").json == []
    left = as_alice.get("/api/notification-configs/").json
    assert {c["key"] for c in left} == {"ops-slack", "oncall"}  # per-server: not managed here


def test_a_server_s_notifications_are_managed_when_given(as_alice):
    apply(as_alice, DOC)
    only_email = DOC.replace(
        f"""      - {{key: ops-slack, notification_type: slack, recipient: "{SLACK}",
          events: [down, recovery, cert_expiring]}}
""",
        "",
    )
    plan = apply(as_alice, only_email, "?prune=true&dry_run=true")
    assert plan.json["changes"] == [
        {"kind": "notification_config", "key": "api-prod/ops-slack", "action": "delete"}
    ]
    one = DOC.replace("events: [down, recovery, cert_expiring]", "events: [down]")
    update = apply(as_alice, one).json["changes"]
    assert update == [{"kind": "notification_config", "key": "api-prod/ops-slack",
                       "action": "update", "diff": {"events": [
                           ["down", "recovery", "cert_expiring"], ["down"]]}}]  # fmt: skip


def test_one_window_field_is_one_update_and_the_etag_covers_every_kind(as_alice):
    apply(as_alice, DOC)
    etag = export(as_alice).headers["ETag"]
    window = next(w for w in as_alice.get("/api/maintenance-windows/").json if w["key"] == "freeze")
    as_alice.patch(f"/api/maintenance-windows/{window['id']}/", json={"checks": "skip"})
    moved = export(as_alice).headers["ETag"]
    assert moved != etag
    stale = apply(as_alice, DOC, **{"If-Match": etag})
    assert stale.status_code == 412
    plan = apply(as_alice, DOC, **{"If-Match": moved})
    (change,) = plan.json["changes"]
    assert (change["kind"], change["key"]) == ("maintenance_window", "freeze")
    assert change["diff"] == {"checks": ["skip", "run"]}
    reordered = DOC.replace("servers: [db, api-prod]", "servers: [api-prod, db]")
    assert apply(as_alice, reordered).json["changes"] == []
    config = next(
        c for c in as_alice.get("/api/notification-configs/").json if c["key"] == "everyone"
    )
    as_alice.patch(f"/api/notification-configs/{config['id']}/", json={"secret": "other"})
    assert export(as_alice).headers["ETag"] != moved  # a secret changed: a new revision
    assert export(as_alice, "?include=servers").headers["ETag"] == export(as_alice).headers["ETag"]


def test_bobs_document_never_reaches_alices_objects(as_alice, as_bob):
    apply(as_alice, DOC)
    pages = """\
version: 1
status_pages:
  - {slug: bobs, title: Bob, groups: [{name: G, servers: [api-prod]}]}
"""
    response = apply(as_bob, pages)
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {
        "status_pages[0].groups[0].servers[0]": ["Unknown server key 'api-prod'."]
    }
    wiped = apply(as_bob, "version: 1\nmaintenance_windows: []\n", "?prune=true")
    assert wiped.json["summary"]["maintenance_windows"]["delete"] == 0
    assert len(as_alice.get("/api/maintenance-windows/").json) == 4
