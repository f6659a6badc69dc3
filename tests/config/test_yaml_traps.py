"""The YAML traps of API-NEXT §7: aliases, duplicate keys and YAML 1.1's implicit types."""

from tests.config.test_apply import apply


def test_anchors_and_aliases_are_refused(as_alice):
    bomb = 'version: 1\nservers:\n  - &a {key: a, name: a, host: a.example, tags: &t ["x"]}\n'
    response = apply(as_alice, bomb + "  - {key: b, name: b, host: b.example, tags: *t}\n")
    assert response.status_code == 422
    assert "anchors and aliases are not allowed" in response.json["message"]
    assert as_alice.get("/api/servers/").json == []


def test_duplicate_mapping_keys_are_refused(as_alice):
    text = "version: 1\nservers:\n  - key: a\n    name: a\n    name: b\n    host: a.example\n"
    response = apply(as_alice, text)
    assert response.status_code == 422 and 'duplicate key "name"' in response.json["message"]


def test_yaml_1_1_surprises_stay_strings_or_are_refused(as_alice):
    text = (
        "version: 1\nservers:\n  - {key: a, name: 23:00, host: a.example, tags: [on, NO, 'yes']}\n"
    )
    response = apply(as_alice, text)
    assert response.status_code == 200, response.json
    server = as_alice.get("/api/servers/").json[0]
    assert server["name"] == "23:00" and server["tags"] == ["on", "NO", "yes"]
    octal = apply(as_alice, "version: 1\nservers:\n  - {key: b, name: 0755, host: b.example}\n")
    assert octal.status_code == 422
    assert octal.json["errors"]["json"]["servers[0].name"] == [
        "Must be a string (quote it: '755')."
    ]
    old = apply(as_alice, "%YAML 1.1\n---\nversion: 1\nservers: []\n")
    assert old.status_code == 422 and "1.2" in old.json["message"]
