"""Where the hostile fuzz aims: the operations of /api/openapi.json, alice's ids, valid bodies.

`seed_objects` gives alice (and bob, whose every name holds MARKER) one object of each kind
through the API; `operations` lists each operation with the path filled with alice's ids, who
sends it and a valid body, so that one hostile value in one field is all that is wrong with it.
"""

import re
from dataclasses import dataclass, field

from pulseguard.extensions import db
from pulseguard.models import PingResult
from tests.conftest import PASSWORD

MARKER = "bobsecret"
ADMIN_PREFIXES = ("/api/users/", "/api/checks/run/")
CAROL_PATHS = ("/api/auth/logout/", "/api/auth/password/")
SKIPPED = ("/api/events/", "/api/config/apply/")  # a stream; a document, fuzzed by its own tests
FIXED = {"metric": "status", "fmt": "json", "event": "fail", "push_key": "x", "server_key": "x"}
TCP = {"protocol": "tcp", "host": "127.0.0.1", "port": 9, "timeout": 1}


@dataclass
class Operation:
    method: str
    template: str
    url: str
    who: str
    query: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    body: dict | None = None

    @property
    def label(self):
        return f"{self.method} {self.template}"


def seed_objects(clients, app):
    """Give alice and bob one of everything; return alice's value of each path parameter."""
    ids: dict = {}
    servers = {}
    for who, mark in (("bob", MARKER), ("alice", "alice")):
        api = clients[who]

        def post(url, body=None, api=api):
            answer = api.post(url, json=body)
            assert answer.status_code < 300, (url, answer.json)
            return answer.json

        tcp = post("/api/servers/", {"name": f"{mark}-tcp", "tags": [mark], **TCP})
        push = post("/api/servers/", {"name": f"{mark}-push", "protocol": "push"})
        config = post(
            "/api/notification-configs/",
            {
                "server": tcp["id"],
                "notification_type": "webhook",
                "name": f"{mark}-hook",
                "recipient": f"http://127.0.0.1:9/{mark}",
            },
        )
        window = post(
            "/api/maintenance-windows/",
            {"name": f"{mark}-window", "schedule": {"type": "manual"}, "servers": [tcp["id"]]},
        )
        page = post(
            "/api/status-pages/",
            {"slug": f"{mark}-page", "title": mark, "published": True, "groups": []},
        )
        key = post("/api/auth/api-keys/", {"name": f"{mark}-key", "scopes": ["read"]})
        token = post(f"/api/servers/{push['id']}/push/rotate-token/")
        badge = post(f"/api/servers/{tcp['id']}/badge-key/rotate/")
        ids |= {
            "server_id": tcp["id"],
            "config_id": config["id"],
            "window_id": window["id"],
            "page_id": page["id"],
            "key_id": key["id"],
            "slug": page["slug"],
            "token": token["token"],
            "badge_key": badge["badge_key"],
        }
        servers[who] = tcp["id"]
    with app.app_context():  # a result each, so that result lists have something to leak
        for server_id in servers.values():
            db.session.add(PingResult(server_id=server_id, outcome="success", response_time_ms=1))
        db.session.commit()
    incident = clients["alice"].post(
        "/api/incidents/", json={"title": "alice-incident", "servers": [ids["server_id"]]}
    )
    assert incident.status_code == 201, incident.json
    ids["incident_id"] = incident.json["id"]
    ids["result_id"] = ids["status_id"] = ids["change_id"] = ids["delivery_id"] = 1
    return ids


def who_for(path):
    if path.startswith(ADMIN_PREFIXES):
        return "root"
    if path.startswith(CAROL_PATHS):
        return "carol"
    return "alice"


def fill(path, ids):
    """The path with each {param} replaced by alice's value."""
    return re.sub(r"{(\w+)}", lambda m: str(ids.get(m.group(1), FIXED.get(m.group(1), 1))), path)


def resolve(document, schema):
    """Follow $ref and allOf to a schema's properties."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    properties = dict(schema.get("properties") or {})
    for part in schema.get("allOf", []):
        properties |= resolve(document, part)
    return properties


def operations(document, ids, tokens):
    """Yield every operation the fuzz sends to."""
    for path, item in document["paths"].items():
        if path.startswith(SKIPPED):
            continue
        shared = item.get("parameters") or []
        for method, spec in item.items():
            if method == "parameters":
                continue
            params = shared + (spec.get("parameters") or [])
            content = spec.get("requestBody", {}).get("content", {}).get("application/json")
            properties = resolve(document, content["schema"]) if content else {}
            yield Operation(
                method=method.upper(),
                template=path,
                url=fill(path, ids),
                who=who_for(path),
                query=[p["name"] for p in params if p["in"] == "query"],
                fields=[n for n, s in properties.items() if not s.get("readOnly")],
                body=base_body(path, method.upper(), ids, tokens) if content else None,
            )


def base_body(path, method, ids, tokens):
    """A valid body for the operation (none for a PUT, which sends its GET, or a PATCH)."""
    server = ids["server_id"]
    bodies = {
        "/api/auth/token/": {"username": "alice", "password": PASSWORD},
        "/api/auth/token/refresh/": {"refresh": tokens["alice-refresh"]},
        "/api/auth/token/verify/": {"token": tokens["alice"]},
        "/api/auth/logout/": {"refresh": "x"},
        "/api/auth/register/": {"username": "frank", "password": PASSWORD},
        "/api/auth/password/": {"old_password": PASSWORD, "new_password": PASSWORD},
        "/api/auth/api-keys/": {"name": "k", "scopes": ["read"]},
        "/api/users/": {"username": "erin", "password": PASSWORD},
        "/api/servers/": {"name": "n", **TCP},
        "/api/servers/test/": {"name": "n", **TCP},
        "/api/notification-configs/": {
            "server": server,
            "notification_type": "webhook",
            "recipient": "http://127.0.0.1:9/x",
        },
        "/api/notification-configs/test/": {
            "server": server,
            "notification_type": "webhook",
            "recipient": "http://127.0.0.1:9/x",
        },
        "/api/checks/run/": {"server_ids": [server]},
        "/api/maintenance-windows/": {
            "name": "w",
            "schedule": {"type": "manual"},
            "servers": [server],
        },
        "/api/maintenance-windows/{window_id}/start/": {"duration": 60},
        "/api/status-pages/": {"slug": "p", "title": "P", "groups": []},
        "/api/incidents/": {"title": "t", "servers": [server]},
        "/api/incidents/{incident_id}/ack/": {"note": "n"},
        "/api/incidents/{incident_id}/updates/": {"message": "m"},
    }
    return bodies.get(path, {})
