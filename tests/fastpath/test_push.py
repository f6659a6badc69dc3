"""The push fast path answers a ping exactly as Flask's route does, and hands the rest to it.

Each case goes to two apps on one database: the real one (fast path in front) and one built with
no fast path (Flask alone), each pinging its own twin push server. Status line, headers (in
order), body, the request count and what was recorded must be the same; the common pings must
not have reached Flask in the first app, the odd ones must have.
"""

import uuid

import gevent
import pytest
from gevent.pywsgi import WSGIServer

from pulseguard import create_app, fastpath
from pulseguard.metrics import families, store
from tests.conftest import away_from_a_minute_end, make_config

ID = str(uuid.uuid4())
FAST, FLASK = True, False
TEXT = {"Content-Type": "text/plain"}
JSON = {"Content-Type": "application/json"}
# (method, path after /api/push/<token>, request options, answered by the fast path?)
CASES = [
    ("GET", "", {}, FAST),
    ("GET", "/", {}, FAST),
    ("HEAD", "/start", {}, FAST),
    ("POST", "/start/", {}, FAST),
    ("GET", "/fail?msg=disk%20full", {}, FAST),
    ("POST", "/0", {"data": "héllo".encode(), "headers": TEXT}, FAST),
    ("GET", "/3", {"headers": {"User-Agent": "cron/1.0"}}, FAST),
    ("POST", "/255", {}, FAST),
    ("POST", "/log", {"data": b"x" * 12_000, "headers": TEXT}, FAST),
    ("GET", "?status=down&msg=&ping=", {}, FAST),
    ("GET", "?status=up&ping=12.5", {}, FAST),
    ("GET", f"/start?rid={ID}", {}, FAST),
    ("GET", f"?rid={ID}&duration_ms=1500", {}, FAST),
    ("GET", "?foo=bar&msg=a&msg=b", {}, FAST),
    ("GET", "/log?msg=" + "y" * 700, {}, FAST),
    ("GET", "", {"headers": {"X-Forwarded-For": "203.0.113.9"}}, FAST),
    ("GET", "?rid=not-a-uuid", {}, FLASK),
    ("GET", "?duration_ms=-1", {}, FLASK),
    ("GET", "?status=sideways", {}, FLASK),
    ("GET", "?msg=%00", {}, FLASK),
    ("GET", "/256", {}, FLASK),
    ("GET", "/foo", {}, FLASK),
    ("GET", "/start/more", {}, FLASK),
    ("PUT", "", {}, FLASK),
    ("OPTIONS", "", {}, FLASK),
    ("POST", "", {"data": b"{not json", "headers": JSON}, FLASK),
    ("POST", "/log", {"data": b'{"a": 1}', "headers": JSON}, FLASK),
    ("GET", "", {"headers": {"Origin": "https://example.com"}}, FLASK),
]
VOLATILE = ("id", "server", "server_id", "check_timestamp", "checked_at", "response_time")


class Reached:
    """Counts the requests that reached Flask behind an app's fast paths."""

    def __init__(self, app):
        chain = app.wsgi_app.app  # inside ProxyFix (TRUSTED_PROXIES)
        self.count, self.inner = 0, chain.flask_wsgi
        chain.flask_wsgi = self

    def __call__(self, environ, start_response):
        self.count += 1
        return self.inner(environ, start_response)


@pytest.fixture
def apps(database_url, monkeypatch):
    """(the app with its fast paths, how often it reached Flask, the app without fast paths)."""
    config = {
        "TRUSTED_PROXIES": 1,
        "RATELIMIT_ENABLED": True,
        "PUSH_RATE_LIMIT": "3 per minute",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }
    fast = create_app(make_config(database_url, **config))
    with monkeypatch.context() as patch:
        patch.setattr(fastpath, "makers", lambda: [])
        flask = create_app(make_config(database_url, **config))
    yield fast, Reached(fast), flask
    for app in (fast, flask):
        if batcher := app.extensions.get("pulseguard_ping_batcher"):
            batcher.greenlet.kill()


def answer(app, method, path, options):
    """(status line, headers in order, body, request counts added) of one request."""
    key = f"c:{families.HTTP_REQUESTS.name}"
    before = store.LOCAL.read(key)
    response = app.test_client().open(path, method=method, **options)
    after = store.LOCAL.read(key)
    counted = {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}
    return response.status, list(response.headers.items()), response.data, counted


def recorded(as_alice, server_id):
    results = as_alice.get(f"/api/ping-results/?server_id={server_id}").json
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in results]


def twins(make_push, **settings):
    return make_push(**settings), make_push(**settings)


@pytest.mark.parametrize("method, path, options, fast", CASES)
def test_a_ping_gets_flasks_answer_byte_for_byte(
    apps, make_push, as_alice, method, path, options, fast
):
    fast_app, reached, flask_app = apps
    ours, theirs = twins(make_push)
    got = answer(fast_app, method, f"/api/push/{ours['push']['token']}{path}", options)
    want = answer(flask_app, method, f"/api/push/{theirs['push']['token']}{path}", options)
    assert got == want
    assert reached.count == (0 if fast else 1)
    assert recorded(as_alice, ours["id"]) == recorded(as_alice, theirs["id"])


def test_unknown_tokens_get_flasks_404_from_the_fast_path(apps):
    fast_app, reached, flask_app = apps
    for path in ("/api/push/NoSuchTokenNoSuchToken00", "/api/push/NoSuchToken/start"):
        got, want = answer(fast_app, "GET", path, {}), answer(flask_app, "GET", path, {})
        assert got == want and got[0] == "404 NOT FOUND"
    assert reached.count == 0


def test_a_sequence_keeps_flasks_answers_and_state(apps, make_push, as_alice):
    """A run paired by rid, fails, an exit code, a success: the same answers and state."""
    fast_app, reached, flask_app = apps
    ours, theirs = twins(make_push)
    steps = [("GET", f"/start?rid={ID}"), ("GET", "/fail"), ("POST", "/7"), ("GET", "/0")]
    steps += [("HEAD", f"?rid={ID}"), ("GET", "/log?msg=done")]
    for method, path in steps:
        got = answer(fast_app, method, f"/api/push/{ours['push']['token']}{path}", {})
        want = answer(flask_app, method, f"/api/push/{theirs['push']['token']}{path}", {})
        assert got == want, (method, path)
    assert reached.count == 0
    assert recorded(as_alice, ours["id"]) == recorded(as_alice, theirs["id"])
    mine = as_alice.get(f"/api/server-status/?server_id={ours['id']}").json[0]
    other = as_alice.get(f"/api/server-status/?server_id={theirs['id']}").json[0]
    assert {k: mine[k] for k in ("status", "message")} == {
        k: other[k] for k in ("status", "message")
    }


def test_ignored_and_paused_pings_get_flasks_answers(apps, make_push, as_alice):
    fast_app, reached, flask_app = apps
    post_only = twins(make_push, methods="post")
    paused = twins(make_push, resume_on_ping=False)
    for server in paused:
        as_alice.patch(f"/api/servers/{server['id']}/", json={"status": "paused"})
    for ours, theirs in (post_only, paused):
        got = answer(fast_app, "GET", f"/api/push/{ours['push']['token']}", {})
        want = answer(flask_app, "GET", f"/api/push/{theirs['push']['token']}", {})
        assert got == want
    assert b'"ignored":"paused"' in got[2]
    assert reached.count == 0


def test_over_the_limit_gets_flasks_429_with_retry_after(apps, make_push):
    fast_app, reached, flask_app = apps
    ours, theirs = twins(make_push)
    away_from_a_minute_end()
    answers = []
    for _n in range(4):  # PUSH_RATE_LIMIT is 3 per minute here
        got = answer(fast_app, "GET", f"/api/push/{ours['push']['token']}", {})
        want = answer(flask_app, "GET", f"/api/push/{theirs['push']['token']}", {})
        answers.append((got, want))
    got, want = answers[-1]
    assert got[0] == "429 TOO MANY REQUESTS"
    wait = dict(got[1])["Retry-After"]
    assert int(wait) > 0 and abs(int(wait) - int(dict(want[1])["Retry-After"])) <= 1
    same = [(n, v if n != "Retry-After" else "") for n, v in got[1]]
    assert same == [(n, v if n != "Retry-After" else "") for n, v in want[1]]
    assert [a[0][::2] for a in answers] == [a[1][::2] for a in answers]  # status lines, bodies
    assert reached.count == 0


def raw(port, request: bytes) -> bytes:
    """Send one HTTP/1.0 request over a real socket; return the answer without its Date."""
    from gevent import socket

    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    lines = b"".join(chunks).split(b"\r\n")
    return b"\r\n".join(line for line in lines if not line.startswith(b"Date:"))


def test_over_a_real_socket_the_bytes_are_flasks(apps, make_push, as_alice):
    fast_app, reached, flask_app = apps
    ours, theirs = twins(make_push)
    servers = [WSGIServer(("127.0.0.1", 0), a, log=None, error_log=None) for a in apps[::2]]
    for server in servers:
        server.start()
    try:
        for head, body in [(b"GET %s/start", b""), (b"POST %s/log?msg=hi", b"a body")]:
            sent = []
            for server, twin in zip(servers, (ours, theirs), strict=True):
                path = f"/api/push/{twin['push']['token']}".encode()
                request = head.replace(b"%s", path) + b" HTTP/1.0\r\nHost: x\r\n"
                request += b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                sent.append(gevent.spawn(raw, server.server_port, request).get(timeout=30))
            assert sent[0] == sent[1] and sent[0].startswith(b"HTTP/1.1 200 OK")
    finally:
        for server in servers:
            server.stop()
    assert reached.count == 0
    assert recorded(as_alice, ours["id"]) == recorded(as_alice, theirs["id"])
