"""The cached summary is rebuilt by one request at a time: the others serve the stale copy, and a
rebuild that began before a change never puts its older page back. In Redis (TEST_REDIS_URL)
and in process (no REDIS_URL). The rebuild is held on an event, not timed."""

import threading

import pytest

import pulseguard.pages.answers as answers
from pulseguard import pagecache
from pulseguard.monitoring.record import record_results
from tests.outcomes import DOWN, OK, result

SUMMARY = "/api/public/status-pages/acme/"


@pytest.fixture(params=["redis", "in-process"])
def store(request, app, monkeypatch):
    """Run the test against the session app's Redis, or with the cache in process."""
    if request.param == "in-process":
        monkeypatch.setitem(app.config, "REDIS_URL", None)
    else:  # a flushed TEST_REDIS_URL database (skips loudly when Redis does not answer)
        monkeypatch.setitem(app.config, "REDIS_URL", request.getfixturevalue("redis_url"))
    pagecache._building.clear()
    yield request.param
    pagecache._building.clear()


@pytest.fixture
def held_build(monkeypatch):
    """Count the summary's builds; each one, once built, waits until `release` is set."""
    built, release, count = threading.Event(), threading.Event(), []
    real = answers.build

    def build(page, now):
        shown = real(page, now)
        count.append(1)
        built.set()
        assert release.wait(10)
        return shown

    monkeypatch.setattr(answers, "build", build)
    return built, release, count


def first_status(response):
    assert response.status_code == 200
    return response.json["groups"][0]["components"][0]["status"]


def test_one_request_rebuilds_while_the_others_serve_the_stale_copy(
    ctx, app, client, page_of, published, store, held_build
):
    built, release, count = held_build
    _page, web, _db = page_of()
    record_results([result(web["id"], OK)])
    release.set()
    first = client.get(SUMMARY)
    assert first_status(first) == "operational" and len(count) == 1
    release.clear()
    built.clear()
    record_results([result(web["id"], DOWN)])  # soft: the copy turns stale
    rebuilt = {}
    rebuilder = threading.Thread(target=lambda: rebuilt.update(r=app.test_client().get(SUMMARY)))
    rebuilder.start()
    assert built.wait(10)  # one request is rebuilding (and held there)
    others = [client.get(SUMMARY) for _ in range(5)]
    assert [first_status(r) for r in others] == ["operational"] * 5  # the stale copy, at once
    assert {r.headers["ETag"] for r in others} == {first.headers["ETag"]}
    release.set()
    rebuilder.join(10)
    assert first_status(rebuilt["r"]) == "outage" and len(count) == 2
    after = client.get(SUMMARY)
    assert first_status(after) == "outage" and len(count) == 2  # cached again
    assert after.headers["ETag"] == rebuilt["r"].headers["ETag"] != first.headers["ETag"]


def test_a_rebuild_that_began_before_a_change_is_not_cached(
    ctx, app, client, page_of, published, store, held_build
):
    built, release, count = held_build
    _page, web, _db = page_of()
    record_results([result(web["id"], OK)])
    answers_ = {}
    early = threading.Thread(target=lambda: answers_.update(r=app.test_client().get(SUMMARY)))
    early.start()
    assert built.wait(10)  # built from the statuses before the change, not yet stored
    record_results([result(web["id"], DOWN)])
    release.set()
    early.join(10)
    assert first_status(answers_["r"]) == "operational"  # its own answer, as it was built
    assert first_status(client.get(SUMMARY)) == "outage"  # but it was not stored
    assert len(count) == 2


def test_a_hard_clear_leaves_no_stale_copy(client, as_alice, page_of, store):
    page, _web, _db = page_of()
    assert client.get(SUMMARY).status_code == 200
    as_alice.patch(f"/api/status-pages/{page['id']}/", json={"published": False})
    assert client.get(SUMMARY).status_code == 404
    assert client.get(SUMMARY).status_code == 404  # a failed build leaves nothing behind
    as_alice.patch(f"/api/status-pages/{page['id']}/", json={"published": True})
    assert client.get(SUMMARY).status_code == 200
