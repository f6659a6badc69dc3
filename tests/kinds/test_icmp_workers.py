"""Saving an icmp server asks whether some live worker can send ICMP (API-NEXT §1.4).

"Cannot send" is real here: ICMP_MODE=unprivileged in a process whose GID is outside
net.ipv4.ping_group_range (a bare host's `1 0`); "can" is ICMP_MODE=auto as root or with
CAP_NET_RAW. A test that needs the other case skips loudly.
"""

import pytest
from rq import Queue

from pulseguard import capabilities, create_app
from pulseguard.checks.icmp import mode
from pulseguard.extensions import db
from pulseguard.jobs.worker import PulseGuardWorker
from pulseguard.redis_client import redis_connection
from tests.conftest import ApiClient, make_config

NO_ICMP = ["No worker can send ICMP: set net.ipv4.ping_group_range or run with CAP_NET_RAW."]
cannot_fail = pytest.mark.skipif(
    mode("unprivileged") is not None,
    reason="SKIPPED LOUDLY: unprivileged ICMP works here, so no worker cannot send ICMP",
)
cannot_send = pytest.mark.skipif(
    mode("auto") is None, reason="SKIPPED LOUDLY: this process cannot send ICMP"
)


@pytest.fixture
def other_app(app):
    """Make a second app on the test database with other settings (ICMP_MODE, REDIS_URL)."""
    made = []

    def make(**overrides):
        other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], **overrides))
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def as_alice_on(other, alice, login):
    return ApiClient(other.test_client(), login(alice).token)


def icmp_body(**fields):
    return {"name": "router", "protocol": "icmp", "host": "127.0.0.1"} | fields


def worker_of(other, redis_url, queues=("checks",)):
    connection = redis_connection(redis_url)
    return PulseGuardWorker([Queue(q, connection=connection) for q in queues], app=other)


@cannot_fail
def test_without_redis_an_icmp_server_is_refused_when_this_process_cannot_send(
    other_app, alice, login
):
    api = as_alice_on(other_app(ICMP_MODE="unprivileged", REDIS_URL=None), alice, login)
    response = api.post("/api/servers/", json=icmp_body())
    assert response.status_code == 422, response.json
    assert response.json["errors"]["json"] == {"protocol": NO_ICMP}
    assert api.get("/api/servers/").json == []


@cannot_send
def test_without_redis_an_icmp_server_is_saved_when_this_process_can_send(other_app, alice, login):
    api = as_alice_on(other_app(ICMP_MODE="auto", REDIS_URL=None), alice, login)
    assert api.post("/api/servers/", json=icmp_body()).status_code == 201


@cannot_fail
def test_turning_a_server_into_icmp_is_refused_too_but_an_icmp_server_can_still_be_edited(
    other_app, alice, login, as_alice
):
    api = as_alice_on(other_app(ICMP_MODE="unprivileged", REDIS_URL=None), alice, login)
    tcp = api.post("/api/servers/", json={"name": "db", "host": "127.0.0.1", "port": 5432}).json
    response = api.patch(f"/api/servers/{tcp['id']}/", json={"protocol": "icmp", "port": None})
    assert response.status_code == 422 and response.json["errors"]["json"] == {"protocol": NO_ICMP}
    # made while ICMP worked (the default app): renaming or pausing it is not refused now
    router = as_alice.post("/api/servers/", json=icmp_body()).json
    response = api.patch(f"/api/servers/{router['id']}/", json={"name": "edge", "status": "paused"})
    assert response.status_code == 200, response.json
    put = api.put(f"/api/servers/{router['id']}/", json=response.json)
    assert put.status_code == 200, put.json


@cannot_fail
def test_with_redis_the_live_workers_decide(other_app, alice, login, redis_url):
    web = other_app(REDIS_URL=redis_url, ICMP_MODE="auto")
    api = as_alice_on(web, alice, login)
    # no worker reports yet: nothing is known, so the save goes through
    assert api.post("/api/servers/", json=icmp_body(name="a")).status_code == 201

    unable = worker_of(other_app(REDIS_URL=redis_url, ICMP_MODE="unprivileged"), redis_url)
    unable.register_birth()
    assert capabilities.live_icmp(redis_connection(redis_url)) == {"can": 0, "cannot": 1}
    response = api.post("/api/servers/", json=icmp_body(name="b"))
    assert response.status_code == 422 and response.json["errors"]["json"] == {"protocol": NO_ICMP}
    draft = api.post("/api/servers/test/", json=icmp_body(name="c"))
    assert draft.status_code == 422 and draft.json["errors"]["json"] == {"protocol": NO_ICMP}
    assert web.test_client().get("/readyz").json["icmp"]["workers"] == {"can": 0, "cannot": 1}

    if mode("auto") is not None:
        able = worker_of(other_app(REDIS_URL=redis_url, ICMP_MODE="auto"), redis_url)
        able.register_birth()
        assert api.post("/api/servers/", json=icmp_body(name="d")).status_code == 201
        able.register_death()  # it leaves the registry as it stops

    assert api.post("/api/servers/", json=icmp_body(name="e")).status_code == 422
    unable.register_death()
    assert capabilities.live_icmp(redis_connection(redis_url)) == {"can": 0, "cannot": 0}
    assert api.post("/api/servers/", json=icmp_body(name="f")).status_code == 201


@cannot_fail
def test_a_worker_entry_expires_with_the_worker(other_app, redis_url, alice, login):
    connection = redis_connection(redis_url)
    capabilities.publish(connection, "gone-1", False, ttl_s=-1)  # its heartbeat lapsed
    assert capabilities.live_icmp(connection) == {"can": 0, "cannot": 0}
    api = as_alice_on(other_app(REDIS_URL=redis_url), alice, login)
    assert api.post("/api/servers/", json=icmp_body()).status_code == 201


def test_a_worker_that_takes_no_check_batches_says_nothing(other_app, redis_url):
    worker = worker_of(other_app(REDIS_URL=redis_url, ICMP_MODE="unprivileged"), redis_url,
                       queues=("notify",))  # fmt: skip
    worker.register_birth()
    assert capabilities.live_icmp(redis_connection(redis_url)) == {"can": 0, "cannot": 0}
    worker.register_death()
