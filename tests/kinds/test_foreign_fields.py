"""HTTP-only fields given to a tcp, dns, icmp or push server get 422 at the field (API-NEXT §0)."""

import pytest

BASES = {
    "tcp": {"protocol": "tcp", "host": "db.example.com", "port": 5432},
    "dns": {"protocol": "dns", "host": "www.example.com"},
    "icmp": {"protocol": "icmp", "host": "192.0.2.1"},
    "push": {"protocol": "push"},
}
HTTP_ONLY = [
    ("keyword", "ok"),
    ("path", "/health"),
    ("method", "POST"),
    ("headers", {"X-A": "1"}),
    ("expected_status", "200"),
    ("follow_redirects", False),
    ("keyword_mode", "regex"),
    ("assertions", [{"type": "body", "operator": "contains", "value": "ok"}]),
]


def errors_of(response):
    assert response.status_code == 422, response.json
    return response.json["errors"]["json"]


@pytest.mark.parametrize("protocol", list(BASES))
@pytest.mark.parametrize("field, value", HTTP_ONLY, ids=[f for f, _v in HTTP_ONLY])
def test_an_http_only_field_on_another_kind_is_refused_at_the_field(
    as_alice, protocol, field, value
):
    body = {"name": "x", **BASES[protocol], field: value}
    response = as_alice.post("/api/servers/", json=body)
    assert errors_of(response) == {field: [f"Not allowed for protocol '{protocol}'."]}
    assert as_alice.get("/api/servers/").json == []  # nothing half-written


def test_the_defaults_a_get_answers_may_be_sent_back(as_alice):
    created = as_alice.post("/api/servers/", json={"name": "db", **BASES["tcp"]}).json
    assert created["method"] == "GET" and created["keyword"] is None  # listed for every kind
    url = f"/api/servers/{created['id']}/"
    assert as_alice.put(url, json=created).status_code == 200
    assert as_alice.patch(url, json={"path": "/", "method": "GET"}).status_code == 200


def test_a_patch_with_an_http_field_changes_nothing(as_alice):
    created = as_alice.post("/api/servers/", json={"name": "db", **BASES["tcp"]}).json
    url = f"/api/servers/{created['id']}/"
    response = as_alice.patch(url, json={"name": "renamed", "keyword": "ok"})
    assert errors_of(response) == {"keyword": ["Not allowed for protocol 'tcp'."]}
    assert as_alice.get(url).json["name"] == "db"


def test_a_server_that_changed_kind_can_be_put_back_as_read(as_alice):
    web = {"name": "web", "protocol": "https", "host": "example.com", "keyword": "ok"}
    created = as_alice.post("/api/servers/", json=web).json
    url = f"/api/servers/{created['id']}/"
    moved = as_alice.patch(url, json={"protocol": "tcp", "port": 443})
    assert moved.status_code == 200, moved.json
    assert as_alice.put(url, json=moved.json).status_code == 200  # its stored keyword, unused
    response = as_alice.patch(url, json={"keyword": "other"})
    assert errors_of(response) == {"keyword": ["Not allowed for protocol 'tcp'."]}


def test_http_servers_keep_their_fields(as_alice):
    body = {"name": "web", "protocol": "http", "host": "example.com", "keyword": "ok"}
    body |= {"method": "HEAD", "path": "/health", "headers": {"X-A": "1"}}
    response = as_alice.post("/api/servers/", json=body)
    assert response.status_code == 201, response.json
