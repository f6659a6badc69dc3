"""A hostile sweep over every operation of the OpenAPI document and the WebSocket, on gunicorn.

    .venv/bin/python bench/hostile/sweep.py [--database sqlite|postgresql] [--quick]

Serves PulseGuard as `make run` does (gunicorn, one gevent worker, embedded scheduler, a fresh
SQLite file or a fresh PostgreSQL database made through TEST_PG_URL), creates admin `root`,
`alice`, `bob` and `carol` with `flask create-user`, seeds alice's and bob's objects through the
API (bob's names all hold a marker), then for every operation of /api/openapi.json sends, with
alice's token (admin's on admin routes): its base request, every hostile id in each path
parameter, bob's ids, every hostile value in each query parameter, every hostile value in each
body field, and hostile raw bodies; then hostile WebSocket messages, auth headers, methods,
gunicorn's own limits and the dashboard's routes. Prints the requests sent, 2xx/3xx/4xx/5xx,
non-JSON error answers, stack traces (in answers and in the server's log), leaks (bob's marker
in an answer to alice, or a 2xx to alice on a path holding bob's ids), PUT round trips that were
not 200, and the command that reproduces the run. Exit code 1 when any 5xx, trace or leak.
"""

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
import values  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long hostile password"
MARKER = "bobsecret"
PG_ADMIN_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TRACE = re.compile(r"Traceback \(most recent call last\)|File \"/|<!doctype html|<html", re.I)
ADMIN_PREFIXES = ("/api/users/", "/api/checks/run/")
CAROL_PATHS = ("/api/auth/logout/", "/api/auth/password/")
STREAM_PATHS = ("/api/events/",)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Tally:
    """Counts answers; keeps the first examples of each problem."""

    def __init__(self):
        self.codes = Counter()
        self.problems = {"5xx": [], "non-JSON error": [], "trace": [], "leak": [], "round trip": []}

    def note(self, kind, text):
        self.problems[kind].append(text)

    def answer(self, label, response, leak_check, json_errors=True):
        self.codes[response.status_code // 100] += 1
        text = (
            response.text
            if not response.headers.get("Content-Type", "").startswith("text/event-stream")
            else ""
        )
        where = f"{label} -> {response.status_code}"
        if response.status_code >= 500:
            self.note("5xx", f"{where}: {text[:300]!r}")
        kind = response.headers.get("Content-Type", "")
        if json_errors and response.status_code >= 400 and "json" not in kind:
            self.note("non-JSON error", f"{where} ({kind}): {text[:120]!r}")
        if response.status_code >= 400 and TRACE.search(text):
            self.note("trace", f"{where}: {text[:300]!r}")
        if leak_check and MARKER in text:
            self.note("leak", f"{where}: {text[:300]!r}")

    @property
    def sent(self):
        return sum(self.codes.values())


class Sweep:
    def __init__(self, base, tally, quick):
        self.base, self.tally, self.quick = base, tally, quick
        self.local = threading.local()
        self.tokens = {}
        self.passwords = {}

    @property
    def http(self):
        """This thread's session (requests sessions are not shared between threads)."""
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    # -- sending ---------------------------------------------------------------------------
    def send(
        self,
        method,
        path,
        who="alice",
        label=None,
        leak=None,
        raw_auth=None,
        json_errors=True,
        **kw,
    ):
        headers = kw.pop("headers", {})
        if raw_auth is not None:
            headers["Authorization"] = raw_auth
        elif who:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        stream = path.startswith(STREAM_PATHS)
        try:
            response = self.http.request(
                method,
                self.base + path,
                headers=headers,
                timeout=(5, 2 if stream else 60),
                stream=stream,
                allow_redirects=False,
                **kw,
            )
            if stream:
                self._read_a_little(response)
        except requests.RequestException as failed:
            self.tally.codes["no answer"] += 1
            self.tally.note(
                "5xx", f"{method} {path[:120]}: no answer ({failed.__class__.__name__})"
            )
            return None
        leak = (who == "alice") if leak is None else leak
        label = label or f"{method} {path[:120]} as {who}"
        self.tally.answer(label, response, leak, json_errors)
        return response

    def _read_a_little(self, response):
        chunks, start = [], time.monotonic()
        try:
            for chunk in response.iter_content(4096):
                chunks.append(chunk)
                if time.monotonic() - start > 1.5 or sum(map(len, chunks)) > 200_000:
                    break
        except requests.RequestException:
            pass
        response._content = b"".join(chunks)
        response.close()

    def login(self, who):
        answer = self.http.post(
            self.base + "/api/auth/token/",
            json={"username": who, "password": self.passwords.get(who, PASSWORD)},
            timeout=30,
        )
        if not answer.ok:  # a hostile request changed the password: keep the old token
            print(f"could not sign in again as {who}: {answer.status_code}", file=sys.stderr)
            return
        self.tokens[who] = answer.json()["access"]
        self.tokens[who + "-refresh"] = answer.json()["refresh"]

    def ok(self, method, path, who, body=None):
        response = self.http.request(
            method,
            self.base + path,
            json=body,
            timeout=30,
            headers={"Authorization": f"Bearer {self.tokens[who]}"},
        )
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else None


def seed(sweep):
    """Give alice and bob one of everything; return {param name: (alice's value, bob's value)}."""
    ids = {}
    for who, mark in (("alice", "alice"), ("bob", MARKER)):
        tcp = sweep.ok(
            "POST",
            "/api/servers/",
            who,
            {
                "name": f"{mark}-tcp",
                "protocol": "tcp",
                "host": "127.0.0.1",
                "port": 9,
                "tags": [f"{mark}-tag"],
                "check_interval": 30,
                "badges_enabled": True,
            },
        )
        push = sweep.ok("POST", "/api/servers/", who, {"name": f"{mark}-push", "protocol": "push"})
        sweep.ok(
            "POST",
            "/api/servers/",
            who,
            {
                "name": f"{mark}-web",
                "protocol": "http",
                "host": f"{mark}.localhost",
                "port": 9,
                "keyword": mark,
                "headers": {"X-Who": mark},
            },
        )
        config = sweep.ok(
            "POST",
            "/api/notification-configs/",
            who,
            {
                "server": tcp["id"],
                "notification_type": "webhook",
                "name": f"{mark}-hook",
                "recipient": f"http://127.0.0.1:9/{mark}",
            },
        )
        window = sweep.ok(
            "POST",
            "/api/maintenance-windows/",
            who,
            {
                "name": f"{mark}-window",
                "schedule": {"type": "manual"},
                "servers": [tcp["id"]],
                "description": mark,
            },
        )
        page = sweep.ok(
            "POST",
            "/api/status-pages/",
            who,
            {
                "slug": f"{mark}-page",
                "title": f"{mark} page",
                "published": who == "alice",
                "groups": [{"name": f"{mark}-group", "servers": [{"server": tcp["id"]}]}],
            },
        )
        key = sweep.ok(
            "POST", "/api/auth/api-keys/", who, {"name": f"{mark}-key", "scopes": ["read"]}
        )
        token = sweep.ok("POST", f"/api/servers/{push['id']}/push/rotate-token/", who)
        server = sweep.ok("GET", f"/api/servers/{tcp['id']}/", who)
        for name, value in (
            ("server_id", tcp["id"]),
            ("config_id", config["id"]),
            ("window_id", window["id"]),
            ("page_id", page["id"]),
            ("key_id", key["id"]),
            ("slug", page["slug"]),
            ("badge_key", server.get("badge_key") or "x" * 22),
            ("token", push_token(token)),
        ):
            ids.setdefault(name, [None, None])[who == "bob"] = value
        sweep.ok("POST", f"/api/maintenance-windows/{window['id']}/start/", who, {"duration": 60})
        sweep.ok("POST", f"/api/maintenance-windows/{window['id']}/stop/", who)
        sweep.http.get(f"{sweep.base}/api/push/{push_token(token)}/fail", timeout=30)
    ids["user_id"] = [sweep.dave_id, sweep.dave_id]  # the admin routes' hostile PATCHes hit dave
    sweep.ok(
        "POST",
        "/api/checks/run/",
        "root",
        {"server_ids": [ids["server_id"][0], ids["server_id"][1]]},
    )
    time.sleep(4)  # the checks run, results, changes, incidents and deliveries get written
    for param, url in (
        ("result_id", "/api/ping-results/"),
        ("status_id", "/api/server-status/"),
        ("change_id", "/api/status-changes/"),
        ("delivery_id", "/api/notification-deliveries/"),
        ("incident_id", "/api/incidents/"),
    ):
        for who in ("alice", "bob"):
            rows = sweep.ok("GET", url, who) or []
            ids.setdefault(param, [1, 1])[who == "bob"] = rows[0]["id"] if rows else 10**6
    return ids


def push_token(answer):
    """The push token out of a rotate answer (its shape: {"token": ...} or a server)."""
    if "token" in answer:
        return answer["token"]
    return answer.get("push", {}).get("token") or "x"


def resolve(document, schema):
    """Follow $ref and allOf to the properties of a request body schema."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema:
        merged = {}
        for part in schema["allOf"]:
            merged |= resolve(document, part).get("properties", {})
        return {"properties": merged}
    return schema


def base_body(path, method, ids, sweep):
    """A valid body for the operation (the GET answer for a PUT or PATCH of a resource)."""
    server = ids["server_id"][0]
    bodies = {
        "/api/auth/token/": {"username": "alice", "password": PASSWORD},
        "/api/auth/token/refresh/": {"refresh": sweep.tokens["alice-refresh"]},
        "/api/auth/token/verify/": {"token": sweep.tokens["alice"]},
        "/api/auth/logout/": {"refresh": "x"},
        "/api/auth/register/": {"username": "frank", "password": PASSWORD},
        "/api/auth/password/": {
            "old_password": sweep.passwords.get("carol", PASSWORD),
            "new_password": PASSWORD,
        },
        "/api/auth/api-keys/": {"name": "k", "scopes": ["read"]},
        "/api/users/": {"username": "erin", "password": PASSWORD},
        "/api/servers/": {"name": "n", "protocol": "tcp", "host": "127.0.0.1", "port": 9},
        "/api/notification-configs/": {
            "server": server,
            "notification_type": "webhook",
            "recipient": "http://127.0.0.1:9/x",
        },
        "/api/notification-configs/test/": {
            "notification_type": "webhook",
            "recipient": "http://127.0.0.1:9/x",
        },
        "/api/checks/run/": {"server_ids": [server]},
        "/api/maintenance-windows/": {
            "name": "w",
            "schedule": {"type": "manual"},
            "servers": [server],
        },
        "/api/status-pages/": {"slug": "p", "title": "P", "groups": []},
    }
    if path in bodies:
        return bodies[path]
    if method in ("PUT", "PATCH") and path.endswith("}/"):
        got = sweep.http.get(
            sweep.base + fill(path, ids, 0),
            timeout=30,
            headers={"Authorization": f"Bearer {sweep.tokens[who_for(path)]}"},
        )
        if got.ok:
            return got.json()
    return {}


def who_for(path):
    if path.startswith(ADMIN_PREFIXES):
        return "root"
    if path.startswith(CAROL_PATHS):
        return "carol"
    return "alice"


def fill(path, ids, side, override=None):
    """The path with each {param} replaced by alice's (side 0) or bob's (side 1) value."""

    def one(match):
        name = match.group(1)
        if override and name in override:
            return override[name]
        if name in ids:
            return str(ids[name][side])
        return {"metric": "status", "fmt": "json", "event": "fail"}.get(name, "1")

    return re.sub(r"{(\w+)}", one, path)


def operations(document):
    for path, item in document["paths"].items():
        shared = item.get("parameters") or []
        for method, operation in item.items():
            if method == "parameters":
                continue
            params = shared + (operation.get("parameters") or [])
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            schema = resolve(document, body["schema"]) if body else None
            yield path, method.upper(), params, schema


def sweep_operation(sweep, ids, path, method, params, schema):
    who = who_for(path)
    public = not path.startswith("/api/") or path.startswith(("/api/public/", "/api/push/"))
    leak = who == "alice" and not public
    body = base_body(path, method, ids, sweep) if schema is not None else None
    kw = {"json": body} if body is not None else {}

    def go(url, label=None, check_leak=leak, **extra):
        response = sweep.send(method, url, who=who, label=label, leak=check_leak, **(extra or kw))
        if who == "carol" and response is not None and response.status_code < 300:
            sent = extra.get("json") or kw.get("json") or {}
            if path == "/api/auth/password/":  # carol's new password, and her new tokens
                sweep.passwords["carol"] = sent.get("new_password", PASSWORD)
                sweep.tokens["carol"] = response.json()["access"]
            else:
                sweep.login("carol")
        return response

    base = go(fill(path, ids, 0))
    if method == "PUT" and base is not None and base.status_code != 200:
        sweep.tally.note(
            "round trip", f"PUT {path} of its GET body -> {base.status_code}: {base.text[:200]}"
        )
    names = [p["name"] for p in params if p["in"] == "path"]
    for name in names:
        for hostile in values.IDS[:6] if sweep.quick else values.IDS:
            go(fill(path, ids, 0, {name: hostile}))
    if names and not public and who == "alice":
        reached = go(fill(path, ids, 1), label=f"{method} {path} with bob's ids as alice")
        if reached is not None and reached.status_code < 300:
            sweep.tally.note(
                "leak", f"{method} {fill(path, ids, 1)} as alice -> {reached.status_code}"
            )
    url = fill(path, ids, 0)
    for param in (p for p in params if p["in"] == "query"):
        for hostile in values.QUERY_VALUES[:5] if sweep.quick else values.QUERY_VALUES:
            go(f"{url}?{param['name']}={hostile}")
    if schema is None:
        return
    fields = [
        name for name, spec in (schema.get("properties") or {}).items() if not spec.get("readOnly")
    ]
    tried = values.field_values()[:8] if sweep.quick else values.field_values()
    for field in fields:
        for hostile in tried:
            go(url, json=(body if isinstance(body, dict) else {}) | {field: hostile})
    for name, raw in values.raw_bodies():
        go(
            url,
            label=f"{method} {path} raw body {name}",
            data=raw,
            headers={"Content-Type": "application/json"},
        )
    go(
        url,
        label=f"{method} {path} as text/plain",
        data="name=x",
        headers={"Content-Type": "text/plain"},
    )


def sweep_websocket(sweep, base, ids, tally):
    """Send every hostile message; each needs a JSON reply and the socket must stay open."""
    url = base.replace("http", "ws", 1) + "/ws/status/?token=" + sweep.tokens["alice"]
    bob_server = ids["server_id"][1]
    messages = [
        *values.WS_MESSAGES,
        json.dumps({"action": "latest", "server_ids": [bob_server]}),
        json.dumps({"action": "subscribe", "server_ids": [bob_server]}),
        json.dumps({"action": "latest", "query": MARKER}),
    ]
    ws = websocket.create_connection(url, timeout=10)
    for message in messages:
        tally.codes["ws"] += 1
        try:
            ws.send(message)
            reply = ws.recv()
            while '"type": "update"' in reply or '"type":"update"' in reply:
                reply = ws.recv()
            parsed = json.loads(reply)
        except (websocket.WebSocketException, ValueError, OSError) as failed:
            tally.note("5xx", f"WS {message[:80]!r}: {failed!r}")
            ws = websocket.create_connection(url, timeout=10)
            continue
        if "failed" in parsed.get("message", "") or "type" not in parsed:
            tally.note("5xx", f"WS {message[:80]!r} -> {reply[:200]}")
        if MARKER in reply or (
            parsed.get("type") == "subscribed" and bob_server in parsed.get("servers", [])
        ):
            tally.note("leak", f"WS {message[:80]!r} -> {reply[:200]}")
        if parsed.get("type") == "latest" and any(
            s.get("server") == bob_server for s in parsed.get("statuses", [])
        ):
            tally.note("leak", f"WS {message[:80]!r} -> {reply[:200]}")
    for frame in (b"\xff\xfe\x00", b""):
        tally.codes["ws"] += 1
        ws.send_binary(frame)
        reply = json.loads(ws.recv())
        if reply.get("type") != "error":
            tally.note("5xx", f"WS binary {frame!r} -> {reply}")
    ws.send(json.dumps({"action": "latest"}))
    if json.loads(ws.recv()).get("type") != "latest":
        tally.note("5xx", "WS: the socket did not answer a valid message after the hostile ones")
    ws.close()


def sweep_edges(sweep, ids):
    """Auth headers, odd methods, gunicorn's own limits, dashboard and status-page routes."""
    token = sweep.tokens["alice"]
    for auth in (
        f"bearer {token}",
        f"BEARER {token}",
        "Bearer",
        "Bearer ",
        "Bearer a.b.c",
        "Bearer " + "A" * 4000,
        "Basic YWxpY2U6eA==",
        "Bearer \u00e9",
        f"Bearer {token}x",
        forged_token(),
        "Bearer pgk_x",
        "Bearer pgk_" + "A" * 8 + "_" + "B" * 40,
    ):
        sweep.send("GET", "/api/servers/", raw_auth=auth, label=f"auth {auth[:30]!r}")
    sweep.send("GET", "/api/servers/?token=" + token, who=None, label="?token= on REST")
    sweep.send("GET", "/api/servers/", headers={"X-API-Key": "pgk_nonsense"}, label="both creds")
    for method in ("FOO", "PROPFIND", "TRACE", "CONNECT", "PATCH"):
        sweep.send(method, "/api/servers/", label=f"{method} /api/servers/")
        sweep.send(method, "/api/", label=f"{method} /api/")
    sweep.send("GET", "/api/servers/?" + "a=" + "b" * 6000, label="414: a 6,000-character URL")
    sweep.send(
        "GET", "/api/servers/", headers={"X-Big": "x" * 9000}, label="431: a 9,000-byte header"
    )
    many = {f"X-H{n}": "1" for n in range(120)}
    sweep.send("GET", "/api/servers/", headers=many, label="431: 120 headers")
    server = ids["server_id"][1]
    for path in (
        f"/servers/{server}",
        "/servers/99999999999999999999",
        "/servers/-1",
        "/servers/%00",
        "/status/%00",
        "/status/%ED%A0%80",
        f"/status/{MARKER}-page",
        f"/status/{MARKER}-page/feed.atom",
        "/status/x/feed.rss",
        "/static/..%2f..%2fetc",
        "/metrics?x=%00",
        "/healthz?%00=1",
        "/api/?x=%ED%A0%80",
        "/login?next=%00",
        "/api/nothing-here/",
        "/api/servers/1/nothing/",
    ):
        hidden = MARKER in path  # the dashboard's /servers/<id> is a shell: its data comes by API
        response = sweep.send("GET", path, label=f"GET {path}", leak=not hidden, json_errors=False)
        if hidden and response is not None and response.status_code < 400:
            sweep.tally.note("leak", f"GET {path} as alice -> {response.status_code}")


def forged_token():
    import jwt  # PyJWT, flask-jwt-extended's dependency

    claims = {
        "sub": "1",
        "type": "access",
        "fresh": False,
        "jti": uuid.uuid4().hex,
        "exp": int(time.time()) + 600,
        "is_admin": True,
    }
    return "Bearer " + jwt.encode(
        claims, "dev-insecure-secret-change-me-before-deploying", algorithm="HS256"
    )


def serve(workdir, database_url):
    """Migrate, create the users, start gunicorn as `make run` does; return (process, base URL)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CHANNEL_LAYER_TYPE")}
    env.update(
        ENVIRONMENT="development",
        DATABASE_URL=database_url,
        FLASK_APP="manage:app",
        SECRET_KEY=secrets.token_urlsafe(40),
        LOG_DIR=str(workdir),
        LOG_LEVEL="INFO",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        RATE_LIMIT_ENABLED="false",
        PUBLIC_URL=f"http://127.0.0.1:{port}",
    )
    bindir = Path(sys.executable).parent
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([str(bindir / "flask"), "db", "upgrade"], **run)
    for name, admin in (
        ("root", True),
        ("alice", False),
        ("bob", False),
        ("carol", False),
        ("dave", False),
    ):
        extra = ["--admin"] if admin else []
        subprocess.run(
            [str(bindir / "flask"), "create-user", name, "--password", PASSWORD, *extra], **run
        )
    log = (workdir / "gunicorn.log").open("a")
    process = subprocess.Popen(
        [str(bindir / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return process, base
        except requests.RequestException:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"gunicorn did not start; see {workdir}/gunicorn.log")


def database(kind, workdir):
    if kind == "sqlite":
        return f"sqlite:///{workdir}/pulseguard.db", None
    name = f"pulseguard_sweep_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    server = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{server}/{name}", name


def drop(name):
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_traces(workdir):
    """Tracebacks the server logged (an exception handled as a 500, or a crashed handler)."""
    found = []
    for file in workdir.glob("*.log"):
        text = file.read_text(errors="replace")
        for match in re.finditer(
            r"Traceback \(most recent call last\):.*?\n(\S[^\n]*)", text, re.S
        ):
            found.append(f"{file.name}: {match.group(1)[:200]}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="a few values per slot: a smoke test")
    parser.add_argument("--threads", type=int, default=3, help="operations swept at once")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pulseguard-sweep-"))
    url, pg_name = database(args.database, workdir)
    started = time.monotonic()
    process, base = serve(workdir, url)
    tally = Tally()
    try:
        sweep = Sweep(base, tally, args.quick)
        for who in ("root", "alice", "bob", "carol"):
            sweep.login(who)
        sweep.login("dave")
        sweep.dave_id = sweep.ok("GET", "/api/auth/me/", "dave")["id"]
        ids = seed(sweep)
        document = sweep.http.get(base + "/api/openapi.json", timeout=30).json()
        ops = list(operations(document))
        with ThreadPoolExecutor(args.threads) as pool:  # deletes last: they remove seeded rows
            for deleting in (False, True):
                chosen = [op for op in ops if (op[1] == "DELETE") == deleting]
                list(pool.map(lambda op: sweep_operation(sweep, ids, *op), chosen))
        sweep_websocket(sweep, base, ids, tally)
        sweep_edges(sweep, ids)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if pg_name:
            drop(pg_name)
    traces = server_traces(workdir)
    for trace in traces:
        tally.note("trace", "server log: " + trace)
    elapsed = time.monotonic() - started
    load = os.getloadavg()
    codes = tally.codes
    print(
        f"database {args.database}; {len(ops)} operations; {tally.sent - codes['ws']} HTTP "
        f"requests + {codes['ws']} WebSocket messages in {elapsed:.0f} s"
    )
    print(
        f"2xx {codes[2]}, 3xx {codes[3]}, 4xx {codes[4]}, 5xx {codes[5]}, "
        f"no answer {codes['no answer']}"
    )
    for kind, found in tally.problems.items():
        print(f"{kind}: {len(found)}")
        for example in found[:15]:
            print("   ", example)
    print(f"server log: {workdir}/gunicorn.log")
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print("command:", " ".join([".venv/bin/python", "bench/hostile/sweep.py", *sys.argv[1:]]))
    bad = sum(len(tally.problems[k]) for k in ("5xx", "trace", "leak"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
