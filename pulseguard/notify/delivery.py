"""Delivering one notification: the job, its attempt records and its retries."""

import logging
from importlib import import_module

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pulseguard import kinds, metrics
from pulseguard.extensions import db
from pulseguard.models import (
    Health,
    NotificationConfig,
    NotificationDelivery,
    Server,
    StatusChange,
)
from pulseguard.models.types import utcnow
from pulseguard.notify.message import Notice, render
from pulseguard.notify.transport import Message, TransportError

log = logging.getLogger(__name__)

# Imported when first used: a worker that never notifies never loads smtplib or requests.
TRANSPORTS = {
    "email": "pulseguard.notify.email:EmailTransport",
    "webhook": "pulseguard.notify.webhook:WebhookTransport",
    "sms": "pulseguard.notify.sms:SmsTransport",
}


def transport(channel: str, config):
    """Return the transport of a channel, set up from the app's config."""
    module, name = TRANSPORTS[channel].split(":")
    return getattr(import_module(module), name)(config)


WANTS = {
    "failure": "notify_on_failure",
    "reminder": "notify_on_failure",
    "recovery": "notify_on_recovery",
}


def retry_delay(attempt: int) -> float | None:
    """Return how long to wait after a failed attempt before the next, or None to give up."""
    delays = current_app.config["NOTIFY_RETRY_DELAYS_S"]
    return float(delays[attempt - 1]) if attempt <= len(delays) else None


def notice(
    server: Server, kind: str, old: str, new: str, detail: str, at, change_id=None
) -> Notice:
    """The facts a message about a server is made of."""
    return Notice(
        kind=kind,
        server_id=server.id,
        server_name=server.name,
        target=kinds.describe(server),
        old_status=old,
        new_status=new,
        detail=detail,
        at=at,
        status_change_id=change_id,
    )


def deliver(config_id: int, change_id: int | None, event: str, attempt: int = 1) -> str | None:
    """Make one delivery attempt of an event to a config; return its outcome (None: skipped).

    "retrying" means that this attempt failed and another is due after retry_delay(attempt): the
    caller (notify/runner.py) schedules it.
    """
    config = db.session.get(NotificationConfig, config_id)
    change = db.session.get(StatusChange, change_id) if change_id else None
    if config is None or not config.enabled or not getattr(config, WANTS[event]):
        return None
    since = config.reminded_at if event == "reminder" else None  # one reminder round
    if change is None or already_attempted(config_id, change.id, event, attempt, since):
        return None
    server = db.session.get(Server, config.server_id)
    if server is None:
        return None
    facts = notice(
        server, event, change.old_status, change.new_status, change.message, change.created_at,
        change.id,
    )  # fmt: skip
    channel, recipient = config.notification_type, config.recipient
    db.session.rollback()  # hold no transaction (nor SQLite lock) while the network is slow
    error = send(channel, recipient, render(facts, current_app.config["PUBLIC_URL"]))
    delay = None if error is None or error.permanent else retry_delay(attempt)
    outcome = "sent" if error is None else ("retrying" if delay is not None else "failed")
    if record(channel, config_id, facts, attempt, outcome, error) is None:
        return None
    return outcome


def send_test(config: NotificationConfig) -> NotificationDelivery | None:
    """Send a test message to a config now, once; return the recorded attempt (None: deleted)."""
    server = db.session.get(Server, config.server_id)
    if server is None:
        return None
    status = server.current_status.health if server.current_status else Health.UNKNOWN
    facts = notice(server, "test", status, status, "Test notification", utcnow())
    config_id, channel, recipient = config.id, config.notification_type, config.recipient
    db.session.rollback()
    error = send(channel, recipient, render(facts, current_app.config["PUBLIC_URL"]))
    outcome = "sent" if error is None else "failed"
    return record(channel, config_id, facts, 1, outcome, error)


def send(channel: str, recipient: str, message: Message) -> TransportError | None:
    """Send through the channel's transport; return the error instead of raising it."""
    try:
        transport(channel, current_app.config).send(recipient, message)
    except TransportError as error:
        return error
    except Exception as error:  # noqa: BLE001 - a transport bug must not lose the record
        log.exception("Unexpected error sending a %s notification", channel)
        return TransportError(f"Unexpected error: {error!r}")
    return None


def already_attempted(config_id: int, change_id: int, event: str, attempt: int, since=None) -> bool:
    """Tell whether this attempt ran already, or the event was delivered (jobs may run twice)."""
    stmt = select(NotificationDelivery.id).where(
        NotificationDelivery.config_id == config_id,
        NotificationDelivery.status_change_id == change_id,
        NotificationDelivery.event == event,
        (NotificationDelivery.attempt == attempt) | (NotificationDelivery.outcome == "sent"),
    )
    if since is not None:
        stmt = stmt.where(NotificationDelivery.created_at >= since)
    return db.session.scalar(stmt.limit(1)) is not None


def record(
    channel: str, config_id: int, facts: Notice, attempt: int, outcome: str, error
) -> NotificationDelivery | None:
    """Store one attempt and count it; None when the config was deleted meanwhile."""
    row = NotificationDelivery(
        config_id=config_id,
        server_id=facts.server_id,
        status_change_id=facts.status_change_id,
        event=facts.kind,
        attempt=attempt,
        outcome=outcome,
        error=error.message[:1000] if error else None,
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    try:
        metrics.observe_delivery(channel, outcome)
    except Exception:  # noqa: BLE001 - the attempt is recorded; a lost count must not lose a retry
        log.exception("Counting a delivery failed")
    log.info("Notification %s to config %s attempt %s: %s", facts.kind, config_id, attempt, outcome)
    return row
