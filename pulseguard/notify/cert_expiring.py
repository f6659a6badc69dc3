"""The notification hook of `cert_expiring` events (monitoring/certs.py calls it after commit).

`enqueue_for_cert_events(event_ids)` is called once per recorded batch with the ids of the
CertEvent rows just committed (each: server_id, fingerprint_sha256, threshold_days,
days_remaining, not_after): one message per event (so one per threshold crossed) to every
config of the server subscribed to `cert_expiring` (notify/announce.py).
"""

from sqlalchemy import select

from pulseguard.extensions import db
from pulseguard.models import CertEvent, Server
from pulseguard.notify.announce import announce


def enqueue_for_cert_events(event_ids: list[int]) -> None:
    """Enqueue the notifications of committed cert_expiring events."""
    if not event_ids:
        return
    rows = db.session.execute(
        select(CertEvent, Server.name)
        .join(Server, Server.id == CertEvent.server_id)
        .where(CertEvent.id.in_(event_ids))
        .order_by(CertEvent.id)
    ).all()
    for event, server_name in rows:
        expires = event.not_after.strftime("%Y-%m-%d %H:%M UTC")
        announce(
            "cert_expiring",
            [event.server_id],
            {
                "ref": f"cert:{event.id}",
                "server_id": event.server_id,
                "server_name": server_name,
                "headline": f"Certificate expiring: {server_name}",
                "lines": [
                    f"The TLS certificate of {server_name} expires in "
                    f"{event.days_remaining} days ({expires}).",
                    f"Threshold crossed: {event.threshold_days} days.",
                ],
                "extra": {
                    "certificate": {
                        "fingerprint_sha256": event.fingerprint_sha256,
                        "not_after": event.not_after.isoformat().replace("+00:00", "Z"),
                        "days_remaining": event.days_remaining,
                        "threshold_days": event.threshold_days,
                    }
                },
            },
        )
