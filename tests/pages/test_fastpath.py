"""The cached summary's fast path (pulseguard/fastpath/pages.py) answers exactly as Flask does.

Two apps on the same database and Redis: `fast` (the fast path in front of Flask, as deployed) and
`flask_only` (no fast path). Each request goes to both, at the WSGI level, and their status lines,
header lists (in order) and bodies must be equal, byte for byte. `fast` counts the requests that
reach its Flask (request_started): whether the fast path answered or handed the request on.
"""

import uuid

import pytest
from flask import request, request_started
from werkzeug.test import EnvironBuilder, run_wsgi_app

from pulseguard import create_app, fastpath, metrics
from pulseguard.monitoring.record import record_results
from pulseguard.redis_client import redis_connection
from tests.conftest import away_from_a_minute_end, make_config
from tests.outcomes import DOWN, OK, result

SUMMARY = "/api/public/status-pages/acme/"
LIMIT = 10


@pytest.fixture
def apps(app, database_url, redis_url, monkeypatch):
    """(fast, flask_only, calls): two apps with their own rate-limit counters and metrics, and
    the requests that reached fast's Flask."""
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)  # the app that edits and records

    def build(fast, **extra):
        settings = {
            "REDIS_URL": redis_url,
            "RATELIMIT_ENABLED": True,
            "RATE_LIMIT_PUBLIC": f"{LIMIT} per minute",
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
            "METRICS_REDIS_PREFIX": f"test-metrics-{uuid.uuid4().hex[:8]}",
            "CORS_ORIGINS": ["https://shop.example"],
        } | extra
        with monkeypatch.context() as patched:
            if not fast:
                patched.setattr(fastpath, "makers", lambda: [])
            return create_app(make_config(database_url, **settings))

    fast, flask_only = build(True), build(False)
    calls = []

    def reached_flask(sender, **_extra):
        calls.append(request.path)

    request_started.connect(reached_flask, fast)
    yield fast, flask_only, calls
    request_started.disconnect(reached_flask, fast)


def answer(app, method="GET", path=SUMMARY, **options):
    """Return (status line, header list, body) as the WSGI app gave them."""
    environ = EnvironBuilder(path=path, method=method, **options).get_environ()
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    return status, headers.to_wsgi_list(), b"".join(body)


def both(apps, method="GET", path=SUMMARY, **options):
    """Ask both apps; return fast's answer after checking that flask_only's is the same."""
    fast, flask_only, _calls = apps
    mine = answer(fast, method, path, **options)
    assert mine == answer(flask_only, method, path, **options)
    return mine


@pytest.fixture
def cached(ctx, apps, page_of, published):
    """A published page whose summary is cached (built by a first request, through Flask)."""
    away_from_a_minute_end()  # every test counts requests in one minute's window
    _page, web, db_server = page_of()
    record_results([result(web["id"], OK), result(db_server["id"], OK)])
    assert both(apps)[0] == "200 OK"
    apps[2].clear()
    return web


def test_a_cached_page_is_answered_without_flask_as_flask_does(apps, cached):
    status, headers, body = both(apps)
    assert status == "200 OK" and b'"status":"operational"' in body
    assert dict(headers)["Content-Length"] == str(len(body))
    assert dict(headers)["Content-Security-Policy"].startswith("default-src 'self'")
    assert apps[2] == []  # the fast path answered


def test_if_none_match_gets_a_304_as_from_flask(apps, cached):
    etag = dict(both(apps)[1])["ETag"]
    status, headers, body = both(apps, headers={"If-None-Match": etag})
    assert status == "304 NOT MODIFIED" and body == b""
    assert "Content-Type" not in dict(headers) and dict(headers)["ETag"] == etag
    assert both(apps, headers={"If-None-Match": f'"x", {etag}'})[0] == "304 NOT MODIFIED"
    assert both(apps, headers={"If-None-Match": "*"})[0] == "304 NOT MODIFIED"
    assert both(apps, headers={"If-None-Match": f"W/{etag}"})[0] == "200 OK"  # weak: no match
    assert apps[2] == []


def test_head_sends_the_headers_and_no_body(apps, cached):
    status, headers, body = both(apps, "HEAD")
    assert status == "200 OK" and body == b"" and int(dict(headers)["Content-Length"]) > 100
    assert apps[2] == []


def test_https_adds_hsts_and_a_cors_origin_changes_nothing(apps, cached):
    status, headers, _body = both(apps, base_url="https://status.example")
    assert status == "200 OK" and ("Strict-Transport-Security", "max-age=31536000") in headers
    _s, headers, _b = both(apps, headers={"Origin": "https://shop.example"})
    assert dict(headers)["Access-Control-Allow-Origin"] == "*"
    assert apps[2] == []


def test_what_it_does_not_serve_is_handed_on_to_flask(apps, cached):
    preflight = {"Origin": "https://shop.example", "Access-Control-Request-Method": "GET"}
    assert both(apps, "OPTIONS", headers=preflight)[0] == "200 OK"
    assert both(apps, query_string="label=x")[0] == "200 OK"
    assert both(apps, path="/api/public/status-pages/acme")[0] == "200 OK"  # no slash: Flask's
    assert both(apps, headers={"Authorization": "Bearer nope"})[0] == "200 OK"
    assert both(apps, path="/api/public/status-pages/Acme/")[0] == "404 NOT FOUND"
    assert both(apps, "POST", data=b"{}", content_type="application/json")[0].startswith("405")
    assert len(apps[2]) == 6


def test_an_unpublished_or_unknown_page_is_flasks_404(apps, cached, as_alice):
    page_id = as_alice.get("/api/status-pages/").json[0]["id"]
    unknown = both(apps, path="/api/public/status-pages/nope/")
    assert unknown[0] == "404 NOT FOUND"
    unpublish = as_alice.patch(f"/api/status-pages/{page_id}/", json={"published": False})
    assert unpublish.status_code == 200
    hidden = both(apps)
    assert hidden[0] == "404 NOT FOUND" and hidden[2] == unknown[2]
    assert len(apps[2]) == 2


def test_a_status_change_reaches_the_fast_path_at_once(ctx, apps, cached):
    before = both(apps)
    record_results([result(cached["id"], DOWN)])  # soft clear: the copy turns stale
    calls = apps[2]
    rebuilt = both(apps)  # handed on: Flask rebuilds the stale copy
    assert calls == [SUMMARY] and b'"status":"outage"' in rebuilt[2]
    assert dict(rebuilt[1])["ETag"] != dict(before[1])["ETag"]
    assert both(apps) == rebuilt and calls == [SUMMARY]  # the new copy, from the fast path


def test_each_request_is_counted_once_and_flask_sends_the_429(apps, cached, redis_url):
    fast, flask_only, calls = apps
    answers = [both(apps) for _ in range(LIMIT - 1)]  # the fixture's request was the first
    assert [a[0] for a in answers] == ["200 OK"] * (LIMIT - 1) and calls == []
    mine, theirs = answer(fast), answer(flask_only)
    assert mine[0] == theirs[0] == "429 TOO MANY REQUESTS" and mine[2] == theirs[2]
    waits = [int(dict(a[1])["Retry-After"]) for a in (mine, theirs)]
    assert abs(waits[0] - waits[1]) <= 1  # the same window's end, a second apart at most
    assert calls == [SUMMARY]  # the 429 came from Flask
    client = redis_connection(redis_url)
    for app_ in (fast, flask_only):
        prefix = app_.config["RATELIMIT_KEY_PREFIX"]
        (key,) = client.keys(f"{prefix}:public:*")
        assert int(client.get(key)) == LIMIT + 1  # each request counted once


def test_requests_are_recorded_in_the_metrics_as_flask_records_them(apps, cached, redis_url):
    etag = dict(both(apps)[1])["ETag"]
    both(apps, "HEAD")
    both(apps, headers={"If-None-Match": etag})
    metrics.flush_requests()
    client = redis_connection(redis_url)
    seen = [
        client.hgetall(f"{a.config['METRICS_REDIS_PREFIX']}:c:pulseguard_http_requests")
        for a in apps[:2]
    ]
    assert seen[0] == seen[1] and len(seen[0]) == 3  # GET 200 (twice), HEAD 200, GET 304
    assert apps[2] == []


def test_a_redis_that_does_not_answer_hands_every_request_on(database_url, page_of):
    page_of()  # no cache at all: Flask computes the page, and no limit refuses it
    dead = {"REDIS_URL": "redis://127.0.0.1:1/0", "RATELIMIT_ENABLED": True}
    fast = create_app(make_config(database_url, **dead))
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(fastpath, "makers", lambda: [])
        flask_only = create_app(make_config(database_url, **dead))
    mine, theirs = answer(fast), answer(flask_only)
    assert mine[0] == theirs[0] == "200 OK"
    assert [name for name, _value in mine[1]] == [name for name, _value in theirs[1]]
    metrics.flush_requests()  # their counts are dropped now, not at exit
