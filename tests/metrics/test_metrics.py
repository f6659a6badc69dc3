"""GET /metrics: Prometheus text, figures shared by every process through Redis, optional token."""

import subprocess
import sys
import textwrap
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from rq import Queue

from pulseguard import create_app, metrics
from tests.conftest import make_config

ROOT = Path(__file__).resolve().parents[2]


def scrape(client, **kwargs):
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.data
    assert response.content_type.startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def shared_app(database_url, redis_url):
    """An app that keeps its counters in Redis, under a prefix of its own."""
    prefix = f"pulseguard-test-metrics-{uuid.uuid4().hex[:8]}"
    return create_app(make_config(database_url, REDIS_URL=redis_url, METRICS_REDIS_PREFIX=prefix))


def record_in_another_process(redis_url, prefix, checks):
    """Record checks from a separate Python process, the way an RQ worker would."""
    code = textwrap.dedent(f"""
        from tests.conftest import make_config
        from pulseguard import create_app, metrics
        app = create_app(make_config("sqlite://", REDIS_URL={redis_url!r},
                                     METRICS_REDIS_PREFIX={prefix!r}))
        with app.app_context():
            for _ in range({checks}):
                metrics.observe_check("failure", 0.2, 1.5)
            metrics.observe_delivery("webhook", "sent")
    """)
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)


def test_metrics_are_prometheus_text_with_every_family(client, make_server):
    make_server()
    samples = scrape(client)
    names = {name for name, _labels in samples}
    for name in (
        "pulseguard_servers",
        "pulseguard_check_duration_seconds_bucket",
        "pulseguard_check_schedule_lag_seconds_count",
        "pulseguard_live_streams_open",
        "pulseguard_metrics_store_up",
    ):
        assert name in names
    assert value(samples, "pulseguard_servers", status="unknown") == 1


def test_checks_recorded_by_several_processes_add_up(shared_app, redis_url):
    prefix = shared_app.config["METRICS_REDIS_PREFIX"]
    workers = [record_in_another_process(redis_url, prefix, 40) for _ in range(2)]
    with shared_app.app_context():
        metrics.observe_checks([("success", 0.02, 0.05), ("timeout", None, 0.1)])
    assert all(worker.wait(timeout=60) == 0 for worker in workers)

    samples = scrape(shared_app.test_client())
    assert value(samples, "pulseguard_checks_total", outcome="failure") == 80
    assert value(samples, "pulseguard_checks_total", outcome="success") == 1
    assert value(samples, "pulseguard_checks_total", outcome="timeout") == 1
    assert value(samples, "pulseguard_check_duration_seconds_count") == 81
    assert value(samples, "pulseguard_check_duration_seconds_bucket", le="0.025") == 1
    assert value(samples, "pulseguard_check_duration_seconds_bucket", le="0.25") == 81
    assert value(samples, "pulseguard_check_schedule_lag_seconds_bucket", le="1.0") == 2
    assert value(samples, "pulseguard_check_schedule_lag_seconds_sum") == pytest.approx(120.15)
    deliveries = value(
        samples, "pulseguard_notification_deliveries_total", channel="webhook", outcome="sent"
    )
    assert deliveries == 2


def test_open_streams_are_counted_and_forgotten_with_their_process(shared_app):
    with shared_app.app_context():
        metrics.live_client_opened("sse")
        metrics.live_client_opened("sse")
        metrics.live_client_opened("ws")
        metrics.live_client_closed("sse")
    samples = scrape(shared_app.test_client())
    assert value(samples, "pulseguard_live_streams_open", kind="sse") == 1
    assert value(samples, "pulseguard_live_streams_open", kind="ws") == 1

    with shared_app.app_context():
        from pulseguard.metrics import store

        store.forget_process(store.current_store())
    samples = scrape(shared_app.test_client())
    assert value(samples, "pulseguard_live_streams_open", kind="sse") == 0


def test_queue_depths_come_from_the_rq_queues(shared_app, redis_url):
    queue = Queue("notify", connection=redis.Redis.from_url(redis_url))
    for _ in range(3):
        queue.enqueue("os.getcwd")
    samples = scrape(shared_app.test_client())
    assert value(samples, "pulseguard_queue_jobs", queue="notify") == 3
    assert value(samples, "pulseguard_queue_jobs", queue="checks") == 0


def test_http_requests_are_counted_by_route_template_and_code(shared_app):
    client = shared_app.test_client()
    client.get("/api/servers/41/")
    client.get("/api/servers/42/")
    client.get("/no/such/page")
    samples = scrape(client)
    route = "/api/servers/<int:server_id>/"
    assert value(samples, "pulseguard_http_requests_total", method="GET", route=route, code="401")
    assert value(
        samples, "pulseguard_http_requests_total", method="GET", route="unmatched", code="404"
    )


def test_request_labels_are_bounded_and_a_405_names_its_route(shared_app):
    client = shared_app.test_client()
    for method in ("FOO", "PROPFIND", "X" * 300):
        client.open("/api/servers/", method=method)
    client.delete("/api/")  # the index answers GET only: 405
    samples = scrape(client)
    methods = {
        dict(labels)["method"]
        for name, labels in samples
        if name == "pulseguard_http_requests_total"
    }
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
    assert (
        value(
            samples,
            "pulseguard_http_requests_total",
            method="other",
            route="/api/servers/",
            code="405",
        )
        == 3
    )
    assert value(
        samples, "pulseguard_http_requests_total", method="DELETE", route="/api/", code="405"
    )


def test_a_timed_out_check_is_observed_with_its_timeout(shared_app, make_server):
    from pulseguard.checks.outcome import Outcome
    from pulseguard.monitoring.record import record_results
    from tests.outcomes import result

    server = make_server()
    with shared_app.app_context():
        target, planned, started, _ = result(server["id"], None)
        timed_out = Outcome("timeout", None, None, "Timed out after 7s")
        record_results([(replace(target, timeout_s=7.0), planned, started, timed_out)])
    samples = scrape(shared_app.test_client())
    assert value(samples, "pulseguard_check_duration_seconds_count") == 1
    assert value(samples, "pulseguard_check_duration_seconds_bucket", le="5.0") == 0
    assert value(samples, "pulseguard_check_duration_seconds_bucket", le="10.0") == 1


def test_a_check_whose_outcome_is_error_is_observed_too(shared_app, make_server):
    from pulseguard.checks.probe import probe
    from pulseguard.kinds import draft_target
    from pulseguard.monitoring.record import record_results
    from tests.outcomes import result

    server = make_server()
    refused = probe(draft_target("tcp", id=server["id"], host="127.0.0.1", port=free_port()))
    assert refused.status == "error", refused
    with shared_app.app_context():
        target, planned, started, _ = result(server["id"], None)
        record_results([(target, planned, started, refused)])
    samples = scrape(shared_app.test_client())
    assert value(samples, "pulseguard_checks_total", outcome="error") == 1
    assert value(samples, "pulseguard_check_duration_seconds_count") == 1
    assert value(samples, "pulseguard_check_duration_seconds_bucket", le="+Inf") == 1


def test_known_outcomes_are_shown_at_zero_before_anything_happened(shared_app):
    samples = scrape(shared_app.test_client())
    for outcome in ("success", "failure", "timeout", "error"):
        assert ("pulseguard_checks_total", (("outcome", outcome),)) in samples
    for channel in ("email", "webhook", "sms"):
        for outcome in ("sent", "retrying", "failed"):
            labels = tuple(sorted({"channel": channel, "outcome": outcome}.items()))
            assert samples[("pulseguard_notification_deliveries_total", labels)] == 0


def test_a_metrics_token_closes_the_endpoint(database_url):
    app = create_app(make_config(database_url, METRICS_TOKEN="s3cret-scrape-token"))
    client = app.test_client()
    denied = client.get("/metrics")
    assert denied.status_code == 401
    assert denied.json["code"] == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    scrape(client, headers={"Authorization": "Bearer s3cret-scrape-token"})


def test_a_dead_redis_neither_breaks_checks_nor_the_scrape(database_url):
    port = free_port()
    app = create_app(make_config(database_url, REDIS_URL=f"redis://127.0.0.1:{port}/0"))
    with app.app_context():
        for _ in range(50):
            metrics.observe_check("success", 0.01, 0.0)  # must not raise
    samples = scrape(app.test_client())
    assert value(samples, "pulseguard_metrics_store_up") == 0
    assert "pulseguard_servers" in {name for name, _ in samples}


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_bucket_labels_are_written_as_prometheus_writes_them():
    from prometheus_client.utils import floatToGoString

    from pulseguard.metrics import families

    for histogram in families.HISTOGRAMS:
        for bound in histogram.buckets:
            assert families.bucket_label(bound) == floatToGoString(bound)
    assert families.bucket_label(None) == "+Inf"
    with pytest.raises(ValueError):
        families.bucket_label(1e7)


def test_request_counts_reach_redis_without_a_scrape(shared_app, redis_url):
    """Counts wait in their process for about a second, then one pipeline writes them all:
    the other processes' /metrics see them without this one being scraped (and an app whose
    Redis is down, an earlier test's, pauses only its own writes)."""
    client = shared_app.test_client()
    for _ in range(3):
        client.get("/api/servers/41/")
    key = f"{shared_app.config['METRICS_REDIS_PREFIX']}:c:pulseguard_http_requests"
    field = "GET\x1f/api/servers/<int:server_id>/\x1f401"
    connection = redis.Redis.from_url(redis_url)
    for _ in range(100):  # the flush is due after about 1 s; give a loaded machine 10 s
        if connection.hget(key, field) is not None:
            break
        time.sleep(0.1)
    assert int(connection.hget(key, field) or 0) == 3
