"""The RQ path on the real Redis: jobs land on the notify queue and the worker delivers them."""

import time

from gevent.event import Event
from redis import Redis
from rq import Queue
from rq_scheduler import Scheduler

from pulseguard.jobs.checks import run_check_batch
from pulseguard.jobs.engine import get_engine, stop_engine
from pulseguard.jobs.worker import PulseGuardWorker
from pulseguard.notify import runner
from pulseguard.notify.triggers import enqueue_for_changes
from pulseguard.queueing import CHECKS
from pulseguard.queueing.enqueue import enqueue
from tests.notify.peers import HttpPeer, wait_for


def work(app, redis_url, queues=("notify",)):
    """Move due scheduled jobs to their queues (as `flask start-scheduler` does), then run a
    burst of the real worker class."""
    connection = Redis.from_url(redis_url)
    Scheduler(connection=connection).enqueue_jobs()
    PulseGuardWorker(list(queues), connection=connection, app=app).work(burst=True)


def work_until(app, redis_url, done, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        work(app, redis_url)
        wait_for(lambda: runner.idle(app))


def test_a_failure_is_queued_on_the_notify_queue_and_delivered_by_the_worker(
    rq_mode, redis_url, server, change, add_config, deliveries, webhook
):
    hook = add_config(server["id"], "webhook", webhook.url)
    with rq_mode.app_context():
        enqueue_for_changes([change(server["id"], "up", "down")])
    queue = Queue("notify", connection=Redis.from_url(redis_url))
    assert queue.count == 1 and webhook.requests == []
    work_until(rq_mode, redis_url, deliveries)
    assert [d[:4] for d in deliveries()] == [(hook, "failure", 1, "sent")]
    assert webhook.json()["event"] == "failure" and queue.count == 0


def test_a_retry_is_scheduled_with_rq_scheduler_and_then_delivered(
    rq_mode, redis_url, server, change, add_config, deliveries, webhook
):
    webhook.answers = [(503, "busy")]
    hook = add_config(server["id"], "webhook", webhook.url)
    with rq_mode.app_context():
        enqueue_for_changes([change(server["id"], "up", "down")])
    work_until(rq_mode, redis_url, deliveries)
    assert [d[:4] for d in deliveries()] == [(hook, "failure", 1, "retrying")]
    scheduler = Scheduler(connection=Redis.from_url(redis_url))
    assert [job.origin for job in scheduler.get_jobs()] == ["notify"]
    work_until(rq_mode, redis_url, lambda: len(deliveries()) == 2)
    assert [d[:4] for d in deliveries()][1] == (hook, "failure", 2, "sent")
    assert len(webhook.requests) == 2


def test_a_hanging_channel_does_not_hold_up_the_next_check_batch(
    rq_mode,
    redis_url,
    server,
    change,
    add_config,
    deliveries,
    webhook,
    make_server,
    as_alice,
    monkeypatch,
):
    target = HttpPeer(default=(200, "ok"))
    monkeypatch.setitem(rq_mode.config, "WEBHOOK_TIMEOUT_S", 30)
    webhook.hold = Event()  # the webhook accepts the connection and then says nothing for 30 s
    try:
        checked = make_server(name="other", port=target.server.server_port)["id"]
        hook = add_config(server["id"], "webhook", webhook.url)
        with rq_mode.app_context():
            enqueue_for_changes([change(server["id"], "up", "down")])
            enqueue(CHECKS, run_check_batch, [[checked, time.time()]])
        # One worker, both queues: the notify job comes first, then the check batch.
        work(rq_mode, redis_url, queues=("notify", "checks"))
        assert get_engine(rq_mode).drain(10)
        pings = as_alice.get(f"/api/ping-results/?server_id={checked}").json
        assert [p["status"] for p in pings] == ["success"]
        assert len(webhook.requests) == 1 and deliveries() == []  # still hanging
        webhook.hold.set()
        wait_for(deliveries)
        assert [d[:4] for d in deliveries()] == [(hook, "failure", 1, "sent")]
    finally:
        webhook.hold.set()
        target.close()
        stop_engine(rq_mode)
