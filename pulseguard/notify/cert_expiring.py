"""The notification hook of `cert_expiring` events (monitoring/certs.py calls it after commit).

`enqueue_for_cert_events(event_ids)` is called once per recorded batch with the ids of the
CertEvent rows just committed (each: server_id, fingerprint_sha256, threshold_days,
days_remaining, not_after). The events are already recorded and published on the bus; the
Apprise channels work (issue "notification channels") enqueues their notifications here.
Until then it sends nothing.
"""

import logging

log = logging.getLogger(__name__)


def enqueue_for_cert_events(event_ids: list[int]) -> None:
    """Enqueue the notifications of committed cert_expiring events (none are sent yet)."""
    log.debug(
        "cert_expiring events %s recorded; no notification channel handles them yet", event_ids
    )
