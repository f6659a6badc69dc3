"""Following https certificates as checks read them: what is stored, and `cert_expiring` events.

Called by monitoring/record.py inside its transaction for every check that carries a certificate
(`Outcome.cert`). The certificate is stored on the server's status (`ServerStatus.cert`) when it
changes, when an alert is sent, or hourly (so `checked_at` stays near the truth without a write per
check). A `cert_expiring` event is recorded once per threshold per certificate fingerprint: with
`days_remaining` at or below some thresholds of `tls.expiry_alert_days`, only the smallest of them
is sent, and only when no threshold as small was sent for this fingerprint (`alerted_days`). A
renewed certificate has another fingerprint, so its thresholds start afresh (API-NEXT §1.6).

After the commit `announce()` publishes each event on the bus (a notice of type `cert_expiring`,
to its owner's SSE and WebSocket streams) and hands the event ids to
`notify.cert_expiring.enqueue_for_cert_events`, the hook notifications plug into.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pulseguard import bus
from pulseguard.checks.certificate import days_left
from pulseguard.kinds import tls_block
from pulseguard.models import CertEvent, Health
from pulseguard.monitoring.state import Verdict
from pulseguard.notify import cert_expiring

log = logging.getLogger(__name__)
REFRESH = timedelta(hours=1)  # how stale a stored, unchanged certificate's checked_at may get
EVENT_TYPE = "cert_expiring"


@dataclass(frozen=True, slots=True)
class Seen:
    """What one check's certificate changes: the status to store, the cert to store, an event."""

    verdict: Verdict
    stored: dict | None  # the new ServerStatus.cert, or None to leave it as it is
    event: dict | None  # a CertEvent row to insert, or None


def follow(server: dict, cert: dict, verdict: Verdict, checked_at: datetime) -> Seen:
    """Judge one check's certificate against the server's stored one and tls settings."""
    settings = tls_block.settings_of(server)
    stored = server.get("cert") or {}
    renewed = stored.get("fingerprint_sha256") != cert["fingerprint_sha256"]
    alerted = None if renewed else stored.get("alerted_days")
    not_after = datetime.fromisoformat(cert["not_after"])
    days = days_left(not_after, checked_at)
    event = None
    crossed = [t for t in settings["expiry_alert_days"] if days <= t]
    if crossed and (alerted is None or min(crossed) < alerted):
        alerted = min(crossed)
        event = {
            "server_id": server["id"],
            "fingerprint_sha256": cert["fingerprint_sha256"],
            "threshold_days": alerted,
            "days_remaining": days,
            "not_after": not_after,
            "created_at": checked_at,
        }
    below = settings["degraded_below_days"]
    if below is not None and days < below and verdict.health == Health.UP:
        verdict = Verdict(Health.DEGRADED, verdict.consecutive_failures, expiry_message(days))
    fresh = stored.get("checked_at") and (
        checked_at - datetime.fromisoformat(stored["checked_at"]) < REFRESH
    )
    if not renewed and event is None and fresh:
        return Seen(verdict, None, None)
    return Seen(
        verdict, cert | {"checked_at": checked_at.isoformat(), "alerted_days": alerted}, event
    )


def expiry_message(days: int) -> str:
    """How a status message says when the certificate expires."""
    if days < 0:
        return "Certificate expired"
    return f"Certificate expires in {days} day{'s' if days != 1 else ''}"


def insert_events(connection, events: list[dict]) -> list[int | None]:
    """Insert cert_expiring rows; return their ids (None: another writer recorded it first)."""
    table = CertEvent.__table__
    dialect = connection.dialect.name
    ids = []
    for row in events:  # a handful at most per batch: thresholds are days apart
        stmt: Any
        if dialect == "postgresql":
            stmt = pg_insert(table).values(row).on_conflict_do_nothing()
        elif dialect == "sqlite":
            stmt = sqlite_insert(table).values(row).on_conflict_do_nothing()
        else:
            stmt = insert(table).values(row)
        ids.append(connection.execute(stmt.returning(table.c.id)).scalar())
    return ids


def notices_of(connection, seen: list[tuple[dict, dict, dict]]) -> list[dict]:
    """Record the events of (event row, server state, certificate); return their live notices."""
    ids = insert_events(connection, [row for row, _server, _cert in seen])
    return [
        {
            "type": EVENT_TYPE,
            "owner_id": server["owner_id"],
            "data": event_json(i, row, server, cert),
        }
        for i, (row, server, cert) in zip(ids, seen, strict=True)
        if i is not None
    ]


def event_json(event_id: int, row: dict, server: dict, cert: dict) -> dict:
    """The live notice of one cert_expiring event (its `data`)."""
    return {
        "id": event_id,
        "server": row["server_id"],
        "server_name": server["name"],
        "threshold_days": row["threshold_days"],
        "days_remaining": row["days_remaining"],
        "not_after": row["not_after"].isoformat(),
        "fingerprint_sha256": row["fingerprint_sha256"],
        "subject": cert.get("subject"),
        "created_at": row["created_at"].isoformat(),
    }


def announce(notices: list[dict]) -> None:
    """After the commit: publish cert_expiring notices, then hand their ids to notifications."""
    if not notices:
        return
    try:
        bus.publish(notices)
    except Exception:  # noqa: BLE001 - the events are committed; a live hiccup is logged
        log.exception("Publishing %d cert_expiring events failed", len(notices))
    try:
        cert_expiring.enqueue_for_cert_events([n["data"]["id"] for n in notices])
    except Exception:  # noqa: BLE001
        log.exception("Notifying cert_expiring events failed")
