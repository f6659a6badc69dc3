"""The RQ path with the real Redis: scheduler -> dispatch -> check batch jobs -> worker engine."""

from redis import Redis
from rq import Queue

from pulseguard.jobs.dispatch import dispatch_due_checks
from pulseguard.jobs.engine import get_engine
from pulseguard.jobs.scheduler import LeaderScheduler, build_scheduler
from pulseguard.jobs.worker import PulseGuardWorker
from pulseguard.redis_client import redis_connection
from tests.targets import wait_for


def work(app, queues=("upkeep", "checks")):
    """Run an in-process worker until the queues are empty, then let the engine finish."""
    worker = PulseGuardWorker(
        list(queues), connection=redis_connection(app.config["REDIS_URL"]), app=app
    )
    worker.work(burst=True)
    assert get_engine(app).drain(10)


def servers(make_server, port, n):
    return [make_server(name=f"s{i}", port=port, check_interval=30)["id"] for i in range(n)]


def test_dispatch_enqueues_batches_that_a_worker_checks_and_records(
    rq_app, redis_url, web, make_server, as_alice
):
    ids = servers(make_server, web.port, 5)
    rq_app.config["CHECK_BATCH_SIZE"] = 2
    with rq_app.app_context():
        assert dispatch_due_checks() == 5
        assert dispatch_due_checks() == 0  # claimed already
    checks = Queue("checks", connection=Redis.from_url(redis_url))
    assert checks.count == 3
    work(rq_app)
    assert checks.count == 0
    results = as_alice.get("/api/ping-results/").json
    assert sorted(r["server"] for r in results) == ids
    assert {r["status"] for r in results} == {"success"}
    assert web.app.hits["/"] == 5
    statuses = as_alice.get("/api/server-status/").json
    assert {s["status"] for s in statuses} == {"up"}


def test_dispatch_claims_nothing_while_the_workers_are_behind(
    rq_app, redis_url, web, make_server, as_alice
):
    servers(make_server, web.port, 5)
    rq_app.config.update(CHECK_BATCH_SIZE=2, CHECK_QUEUE_MAX_JOBS=3)
    with rq_app.app_context():
        assert dispatch_due_checks() == 5  # 3 batches queued: the limit
    late = make_server(name="late", port=web.port, check_interval=30)["id"]
    checks = Queue("checks", connection=Redis.from_url(redis_url))
    with rq_app.app_context():
        assert dispatch_due_checks() == 0  # no worker took a batch yet: nothing claimed
        assert checks.count == 3
        assert dispatch_due_checks([late]) == 1  # "check now" is not held back
    work(rq_app)
    mine = make_server(name="after", port=web.port, check_interval=30)["id"]
    with rq_app.app_context():
        assert dispatch_due_checks() == 1  # caught up: claims again
    work(rq_app)
    results = as_alice.get("/api/ping-results/").json
    assert sorted(r["server"] for r in results if r["server"] in (late, mine)) == [late, mine]


def test_scheduler_enqueues_the_dispatcher_which_the_worker_runs(
    rq_app, redis_url, web, make_server, as_alice
):
    ids = servers(make_server, web.port, 3)
    with rq_app.app_context():
        scheduler = build_scheduler(1, rq_app.config)
        assert {job.id for job in scheduler.get_jobs()} == {
            "pulseguard-dispatch",
            "pulseguard-prune",
            "pulseguard-maintenance",
            "pulseguard-push-sweep",
            "pulseguard-reminders",
            "pulseguard-resume-deliveries",
        }
        build_scheduler(1, rq_app.config)  # a second registration does not duplicate the jobs
        assert len(list(scheduler.get_jobs())) == 6
        scheduler.run(burst=True)
    upkeep = Queue("upkeep", connection=Redis.from_url(redis_url))
    assert "pulseguard-dispatch" in upkeep.job_ids
    work(rq_app)
    wait_for(lambda: len(as_alice.get("/api/ping-results/").json) == 3)
    assert sorted(r["server"] for r in as_alice.get("/api/ping-results/").json) == ids


def test_only_one_scheduler_leads(rq_app):
    with rq_app.app_context():
        conn = redis_connection()
        first = LeaderScheduler(queue_name="upkeep", interval=1, connection=conn)
        second = LeaderScheduler(queue_name="upkeep", interval=1, connection=conn)
        assert first.acquire_lock() and not second.acquire_lock()
        first.remove_lock()  # rq-scheduler calls this after every poll: leadership is kept
        assert first.acquire_lock() and not second.acquire_lock()
        first.resign()
        assert second.acquire_lock() and not first.acquire_lock()
        second.resign()


def test_run_now_endpoint_dispatches_at_once(rq_app, redis_url, web, make_server, login, admin):
    ids = servers(make_server, web.port, 2)
    with rq_app.app_context():
        dispatch_due_checks()  # the regular schedule claims them first...
    Queue("checks", connection=Redis.from_url(redis_url)).empty()
    api = login(admin)
    api.client = rq_app.test_client()
    response = api.post("/api/checks/run/", json={"server_ids": ids})
    assert response.status_code == 202 and response.json == {"queued": 2, "server_ids": ids}
    # ...yet "run now" enqueued them again at once, without waiting for their next time.
    assert Queue("checks", connection=Redis.from_url(redis_url)).count == 1
    work(rq_app)
    assert web.app.hits["/"] == 2
