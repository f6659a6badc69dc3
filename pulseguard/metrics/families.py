"""The metrics PulseGuard records: names, help texts, labels and histogram buckets."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Counter:
    name: str
    doc: str
    labels: tuple = ()


@dataclass(frozen=True)
class Histogram:
    name: str
    doc: str
    buckets: tuple


CHECKS = Counter("pulseguard_checks", "Checks finished, by outcome.", ("outcome",))
DELIVERIES = Counter(
    "pulseguard_notification_deliveries",
    "Notification delivery attempts, by channel and outcome (sent|retrying|failed).",
    ("channel", "outcome"),
)
HTTP_REQUESTS = Counter(
    "pulseguard_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ("method", "route", "code"),
)
CHECK_DURATION = Histogram(
    "pulseguard_check_duration_seconds",
    "How long one check took (probe start to outcome), every outcome including error; "
    "push results count with their reported duration, and not at all without one.",
    (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
SCHEDULE_LAG = Histogram(
    "pulseguard_check_schedule_lag_seconds",
    "How late a check started compared with its planned time.",
    (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
COUNTERS = (CHECKS, DELIVERIES, HTTP_REQUESTS)
HISTOGRAMS = (CHECK_DURATION, SCHEDULE_LAG)


def bucket_label(bound: float | None) -> str:
    """The store's field of a bucket: its upper bound as Prometheus writes it, "+Inf" for None.

    Keyed by bound, not position, so that buckets added later leave stored counts meaningful.
    Python's repr of a float is Prometheus's text for every bound under 1e6 ("0.005", "1.0"):
    check workers record checks without importing prometheus_client.
    """
    if bound is None:
        return "+Inf"
    if not 0 < bound < 1e6:
        raise ValueError(f"bucket bound {bound!r}: use a positive bound under 1e6")
    return repr(float(bound))
