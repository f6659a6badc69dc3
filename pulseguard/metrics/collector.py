"""Build the metric families at scrape time from the store, the database and the queues."""

import logging

from flask import current_app
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from redis.exceptions import RedisError
from sqlalchemy import func, select

from pulseguard.extensions import db
from pulseguard.metrics import families, store
from pulseguard.models import Channel, CheckOutcome, Health, MonitoringState, Server, ServerStatus
from pulseguard.models.monitored import checked_now

log = logging.getLogger(__name__)
QUEUES = ("checks", "notify", "upkeep")
DELIVERY_OUTCOMES = ("sent", "retrying", "failed")
# Known label values are shown at 0 before anything happens, so alerts on them see 0, not nothing.
PRESET = {
    families.CHECKS.name: [(str(outcome),) for outcome in CheckOutcome],
    families.DELIVERIES.name: [(str(c), o) for c in Channel for o in DELIVERY_OUTCOMES],
}


def counters(source):
    for counter in families.COUNTERS:
        family = CounterMetricFamily(counter.name, counter.doc, labels=counter.labels)
        values = {tuple(labels): 0.0 for labels in PRESET.get(counter.name, ())}
        for raw, value in source.read(f"c:{counter.name}").items():
            labels = store.unfield(raw)
            if len(labels) == len(counter.labels):
                values[tuple(labels)] = value
        for labels, value in sorted(values.items()):
            family.add_metric(list(labels), value)
        yield family


def histograms(source):
    for histogram in families.HISTOGRAMS:
        raw = source.read(f"h:{histogram.name}")
        cumulative, buckets = 0.0, []
        for bound in (*histogram.buckets, None):
            label = families.bucket_label(bound)
            cumulative += raw.get(label, 0.0)
            buckets.append((label, cumulative))
        family = HistogramMetricFamily(histogram.name, histogram.doc)
        family.add_metric([], buckets, sum_value=raw.get("sum", 0.0))
        yield family


def live_streams(source):
    open_by_kind = {"sse": 0.0, "ws": 0.0}
    for raw, value in source.read(store.LIVE_STREAMS).items():
        labels = store.unfield(raw)
        if len(labels) == 2:
            open_by_kind[labels[1]] = open_by_kind.get(labels[1], 0.0) + max(value, 0.0)
    family = GaugeMetricFamily(
        "pulseguard_live_streams_open", "Open live streams, by kind (sse|ws).", labels=("kind",)
    )
    for kind, value in sorted(open_by_kind.items()):
        family.add_metric([kind], value)
    yield family


def servers():
    family = GaugeMetricFamily(
        "pulseguard_servers",
        "Servers by current status (up|down|degraded|unknown for monitored ones; paused, "
        "maintenance for the others).",
        labels=("status",),
    )
    state = Server.monitoring_state
    health = select(ServerStatus.health, func.count()).join(Server).where(checked_now())
    counts = dict(db.session.execute(health.group_by(ServerStatus.health)).all())
    states = select(state, func.count()).where(~checked_now())
    counts |= dict(db.session.execute(states.group_by(state)).all())
    for status in (*Health, MonitoringState.PAUSED, MonitoringState.MAINTENANCE):
        counts.setdefault(status, 0)
    for status, count in sorted(counts.items()):
        family.add_metric([str(status)], count)
    yield family


def queues():
    if not current_app.config.get("REDIS_URL"):
        return
    from rq import Queue

    from pulseguard.redis_client import redis_connection

    family = GaugeMetricFamily(
        "pulseguard_queue_jobs", "Jobs waiting in each RQ queue.", labels=("queue",)
    )
    for name in QUEUES:
        family.add_metric([name], Queue(name, connection=redis_connection()).count)
    yield family


class Collector:
    """A prometheus_client collector over everything above, read on each scrape."""

    def describe(self):
        return []

    def collect(self):
        source = store.current_store()
        up = GaugeMetricFamily(
            "pulseguard_metrics_store_up", "1 when the shared counters (Redis) could be read."
        )
        try:
            shared = [*counters(source), *histograms(source), *live_streams(source), *queues()]
            up.add_metric([], 1)
        except RedisError as error:
            log.warning("Metrics: Redis unreadable (%s)", error)
            shared = []
            up.add_metric([], 0)
        yield from shared
        yield up
        yield from servers()
