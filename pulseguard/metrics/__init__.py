"""Prometheus metrics: the hooks other parts call, and init_app that serves /metrics.

The hook signatures are a contract: checks, live and notify call them. Design (see README, Metrics):
counters and histograms are Redis hashes shared by every process, so any web process answers for
the whole deployment; gauges (servers by status, queue depths) are computed at scrape time.
"""

import atexit
import bisect

from pulseguard.metrics import families, store

__all__ = [
    "forget_process",
    "init_app",
    "live_client_closed",
    "live_client_opened",
    "observe_check",
    "observe_checks",
    "observe_delivery",
    "observe_request",
]


def _histogram_updates(histogram, value):
    index = bisect.bisect_left(histogram.buckets, value)  # le: value <= bucket bound
    bound = families.bucket_label(
        histogram.buckets[index] if index < len(histogram.buckets) else None
    )
    key = f"h:{histogram.name}"
    return [(key, bound, 1), (key, "sum", float(value))]


def _check_updates(status, duration_s, lag_s):
    updates = [(f"c:{families.CHECKS.name}", store.field((status,)), 1)]
    if duration_s is not None:
        updates += _histogram_updates(families.CHECK_DURATION, max(duration_s, 0.0))
    if lag_s is not None:
        updates += _histogram_updates(families.SCHEDULE_LAG, max(lag_s, 0.0))
    return updates


def observe_check(status: str, duration_s: float | None, lag_s: float | None) -> None:
    """Count one finished check by outcome, with its duration and how late it started."""
    store.current_store().add(_check_updates(status, duration_s, lag_s))


def observe_checks(checks: list[tuple[str, float | None, float | None]]) -> None:
    """Count a batch of (status, duration_s, lag_s) checks in one round trip to the store."""
    updates = [update for check in checks for update in _check_updates(*check)]
    if updates:
        store.current_store().add(updates)


_exit_cleanup = []


def live_client_opened(kind: str) -> None:
    """Count an SSE ("sse") or WebSocket ("ws") stream that opened."""
    target = store.current_store()
    if not _exit_cleanup:
        # This process's open-stream counts must not outlive it (gunicorn's child_exit hook
        # covers a worker that dies without running atexit: see forget_process).
        _exit_cleanup.append(target)
        atexit.register(store.forget_process, target)
    target.add([(store.LIVE_STREAMS, store.field((store.process(), kind)), 1)])


def live_client_closed(kind: str) -> None:
    """Count a stream that closed."""
    store.current_store().add([(store.LIVE_STREAMS, store.field((store.process(), kind)), -1)])


def observe_delivery(channel: str, outcome: str) -> None:
    """Count one notification delivery attempt by channel and outcome (sent|retrying|failed).

    Like a request, the count waits in this process for at most store.FLUSH_S (pending_add):
    a Redis round trip per attempt was a busy notify worker's cost, not the attempt's.
    """
    fields = store.field((channel, outcome))
    store.pending_add(store.current_store(), (f"c:{families.DELIVERIES.name}", fields, 1))


def observe_request(method: str, route: str, code: int, config=None) -> None:
    """Count one answered HTTP request by method, route template and status code (config: the
    app's, for a caller outside its app context, such as a WSGI fast path).

    The count waits in this process for at most store.FLUSH_S (pending_add), so that a
    request costs no round trip to Redis of its own; /metrics flushes its process's first.
    """
    fields = store.field((method, route, code))
    target = store.current_store() if config is None else store.store_for(config)
    store.pending_add(target, (f"c:{families.HTTP_REQUESTS.name}", fields, 1))


def flush_requests() -> None:
    """Write this process's waiting request counts now (before a scrape, at exit)."""
    store.pending_flush()


def forget_process(pid: int) -> None:
    """Drop a dead process's open-stream counts (gunicorn's child_exit hook calls this)."""
    store.forget_process(store.store_from_env(), pid)


def init_app(app) -> None:
    """Serve /metrics and count every request; no I/O here."""
    from pulseguard.metrics import views

    views.init_app(app)
