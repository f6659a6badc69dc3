"""The RQ path on the real Redis: jobs land on the notify queue and a worker delivers them."""

import gevent
from redis import Redis
from rq import Queue, SimpleWorker

from pulseguard.notify.triggers import enqueue_for_changes


def work_until(app, redis_url, done, timeout=10.0):
    """Run burst SimpleWorkers (with RQ's scheduler, for retries) until done() or the deadline."""
    connection = Redis.from_url(redis_url)
    queue = Queue("notify", connection=connection)
    deadline = gevent.get_hub().loop.now() + timeout
    with app.app_context():
        while not done():
            assert gevent.get_hub().loop.now() < deadline, "the worker did not finish in time"
            SimpleWorker([queue], connection=connection).work(burst=True, with_scheduler=True)
            gevent.sleep(0.05)


def test_a_failure_is_queued_on_the_notify_queue_and_delivered_by_a_worker(
    rq_mode, redis_url, server, change, add_config, deliveries, webhook
):
    hook = add_config(server["id"], "webhook", webhook.url)
    with rq_mode.app_context():
        enqueue_for_changes([change(server["id"], "up", "down")])
    queue = Queue("notify", connection=Redis.from_url(redis_url))
    assert queue.count == 1 and webhook.requests == []
    work_until(rq_mode, redis_url, lambda: deliveries())
    assert [d[:4] for d in deliveries()] == [(hook, "failure", 1, "sent")]
    assert webhook.json()["event"] == "failure" and queue.count == 0


def test_a_retry_is_scheduled_in_rq_and_then_delivered(
    rq_mode, redis_url, server, change, add_config, deliveries, webhook
):
    webhook.answers = [(503, "busy")]
    hook = add_config(server["id"], "webhook", webhook.url)
    with rq_mode.app_context():
        enqueue_for_changes([change(server["id"], "up", "down")])
    work_until(rq_mode, redis_url, lambda: any(d[3] == "sent" for d in deliveries()))
    assert [d[:4] for d in deliveries()] == [
        (hook, "failure", 1, "retrying"),
        (hook, "failure", 2, "sent"),
    ]
    assert len(webhook.requests) == 2
