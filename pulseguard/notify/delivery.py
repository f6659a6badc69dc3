"""Delivering one notification: the job, its attempt records and its retries."""

import logging
import time
from importlib import import_module

from flask import current_app
from sqlalchemy import select, update
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
from pulseguard.notify.events import covers, wants
from pulseguard.notify.incident_of import incident_of
from pulseguard.notify.message import Notice, render
from pulseguard.notify.streaks import COUNTED, reset_streak
from pulseguard.notify.transport import Message, TransportError

log = logging.getLogger(__name__)

# Imported when first used: a worker that never notifies never loads smtplib or requests.
TRANSPORTS = {
    "email": "pulseguard.notify.email:EmailTransport",
    "webhook": "pulseguard.notify.webhook:WebhookTransport",
    "sms": "pulseguard.notify.sms:SmsTransport",
} | {
    # Every other type is one Apprise URL (pulseguard/notify/channels.py builds it).
    channel: "pulseguard.notify.apprise_channel:AppriseTransport"
    for channel in ("apprise", "slack", "discord", "telegram", "teams", "pagerduty", "ntfy")
}


def transport(channel: str, config):
    """Return the transport of a channel, set up from the app's config."""
    module, name = TRANSPORTS[channel].split(":")
    return getattr(import_module(module), name)(config)


def retry_delay(attempt: int) -> float | None:
    """Return how long to wait after a failed attempt before the next, or None to give up."""
    delays = current_app.config["NOTIFY_RETRY_DELAYS_S"]
    return float(delays[attempt - 1]) if attempt <= len(delays) else None


def notice(
    server: Server, kind: str, old: str, new: str, detail: str, at, change_id=None, lasted_s=None,
    incident=None,
) -> Notice:  # fmt: skip
    """The facts a message about a server is made of (`incident`: notify/incident_of.py)."""
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
        server_key=getattr(server, "key", None),
        protocol=server.protocol,
        lasted_s=lasted_s,
        incident_id=incident.id if incident else None,
        incident_started=incident.started_at if incident else None,
        incident_s=incident.duration_s(utcnow()) if incident else None,
    )


def lasted(change: StatusChange, event: str) -> float | None:
    """How long the state a change ended had lasted (a reminder: the outage so far), in s."""
    if event == "reminder":
        return (utcnow() - change.created_at).total_seconds()
    if event != "recovery":
        return None
    began = db.session.scalar(
        select(StatusChange.created_at)
        .where(
            StatusChange.server_id == change.server_id,
            StatusChange.id < change.id,
            StatusChange.new_status == change.old_status,
        )
        .order_by(StatusChange.id.desc())
        .limit(1)
    )
    return None if began is None else (change.created_at - began).total_seconds()


def deliver(
    config_id: int, change_id: int | None, event: str, attempt: int = 1, facts: dict | None = None
) -> str | None:
    """Make one delivery attempt of an event to a config; return its outcome (None: skipped).

    "retrying" means that this attempt failed and another is due after retry_delay(attempt): the
    caller (notify/runner.py) schedules it. `facts`: an announcement (notify/announce.py).
    """
    if facts is not None:
        return deliver_announcement(config_id, event, attempt, facts)
    # The config, the change and its server in one query (three lookups were 7 % of a busy
    # worker's samples in bench/notify/outage.py); None when one of them is gone.
    found = db.session.execute(
        select(NotificationConfig, StatusChange, Server)
        .select_from(NotificationConfig)
        .join(StatusChange, StatusChange.id == change_id)
        .join(Server, Server.id == StatusChange.server_id)
        .where(NotificationConfig.id == config_id)
    ).first()
    if found is None:
        return None
    config, change, server = found
    if not config.enabled or not wants(config, event, change.old_status):
        return None
    since = config.reminded_at if event == "reminder" else None  # one reminder round
    if already_attempted(config_id, change.id, event, attempt, since):
        return None
    if not covers(config, server):
        return None
    incident = incident_of(change)
    about = notice(
        server, event, change.old_status, change.new_status, change.message, change.created_at,
        change.id, lasted(change, event), incident,
    )  # fmt: skip
    channel, recipient = config.notification_type, config.recipient
    # PagerDuty's trigger and resolve are paired by the incident (by the server without one).
    dedup = f"pulseguard-incident-{incident.id}" if incident else f"pulseguard-server-{server.id}"
    settings = settings_of(config, dedup=dedup)
    message = render(about, current_app.config["PUBLIC_URL"])
    # Committed before sending (so no transaction, nor SQLite lock, is held while the network is
    # slow): a worker killed during the attempt leaves this row, which notify/resume.py picks up.
    return attempt_send(config_id, channel, recipient, message, settings, about, attempt)


def attempt_send(
    config_id, channel, recipient, message, settings, facts, attempt, announcement=None
) -> str | None:
    """Claim the attempt, send, record how it ended; return the outcome (None: not claimed).

    `announcement`: the facts of an announcement's job, kept on the row for notify/resume.py.
    """
    row_id = claim(config_id, facts, attempt, announcement)
    if row_id is None:
        return None
    error, took = send(channel, recipient, message, settings)
    delay = None if error is None or error.permanent else retry_delay(attempt)
    outcome = "sent" if error is None else ("retrying" if delay is not None else "failed")
    finish(channel, config_id, row_id, facts, attempt, outcome, error, took)
    return outcome


def deliver_announcement(config_id: int, event: str, attempt: int, facts: dict) -> str | None:
    """Make one attempt of an announcement (maintenance, incident update, certificate)."""
    config = db.session.get(NotificationConfig, config_id)
    if config is None or not config.enabled or not wants(config, event):
        return None
    if already_announced(config_id, facts["ref"], attempt):
        return None
    notice = announcement_notice(event, facts)
    message = render(notice, current_app.config["PUBLIC_URL"])
    settings = settings_of(config, dedup=f"pulseguard-{facts['ref']}")
    channel, recipient = config.notification_type, config.recipient
    kept = {key: value for key, value in facts.items() if key != "servers"}  # announce()'s only
    return attempt_send(
        config_id, channel, recipient, message, settings, notice, attempt, announcement=kept
    )


def announcement_notice(event: str, facts: dict) -> Notice:
    return Notice(
        kind=event,
        server_id=facts.get("server_id"),
        server_name=facts.get("server_name") or "",
        target="",
        old_status="",
        new_status=facts.get("status") or "",
        detail=" ".join(facts.get("lines") or ()),
        at=utcnow(),
        incident_id=facts.get("incident_id"),
        headline=facts.get("headline"),
        lines=tuple(facts.get("lines") or ()),
        ref=facts["ref"],
        extra=facts.get("extra") or {},
    )


def already_announced(config_id: int, ref: str, attempt: int) -> bool:
    """Tell whether this attempt of an announcement ran already, or it was delivered."""
    stmt = select(NotificationDelivery.id).where(
        NotificationDelivery.config_id == config_id,
        NotificationDelivery.ref == ref,
        (NotificationDelivery.attempt == attempt) | (NotificationDelivery.outcome == "sent"),
    )
    return db.session.scalar(stmt.limit(1)) is not None


def settings_of(config: NotificationConfig, dedup: str | None = None) -> dict:
    """What a transport needs of a config besides its recipient.

    `dedup` pairs PagerDuty's trigger and resolve: one alert per incident.
    """
    return {
        "channel": config.notification_type,
        "options": dict(config.options or {}),
        "secret": config.secret,
        "dedup": dedup,
    }


def test_notice(config: NotificationConfig) -> Notice:
    """The facts of a test message: about its server, or about every server of an owner."""
    server = db.session.get(Server, config.server_id) if config.server_id else None
    if server is None:
        return Notice("test", None, "all your servers", "", "", "", "Test notification", utcnow())
    status = server.current_status.health if server.current_status else Health.UNKNOWN
    return notice(server, "test", status, status, "Test notification", utcnow())


def send_test(config: NotificationConfig) -> NotificationDelivery | None:
    """Send a test message to a saved config now, once; return the recorded attempt (None: gone)."""
    facts = test_notice(config)
    config_id, channel, recipient = config.id, config.notification_type, config.recipient
    settings = settings_of(config, dedup="pulseguard-test")
    message = render(facts, current_app.config["PUBLIC_URL"])
    db.session.rollback()
    error, took = send(channel, recipient, message, settings)
    outcome = "sent" if error is None else "failed"
    return record(channel, config_id, facts, 1, outcome, error, took)


def send_disabled_notice(disabled_id: int, to_id: int) -> NotificationDelivery | None:
    """Tell a config's owner through another of their configs that it was disabled; record it."""
    disabled = db.session.get(NotificationConfig, disabled_id)
    to = db.session.get(NotificationConfig, to_id)
    if disabled is None or to is None or not to.enabled or to.id == disabled.id:
        return None
    label = disabled.name or f"{disabled.notification_type} #{disabled.id}"
    facts = Notice(
        "disabled", None, label, disabled.notification_type, "", "",
        disabled.disabled_reason or "", utcnow(),
    )  # fmt: skip
    channel, recipient, settings = to.notification_type, to.recipient, settings_of(to)
    message = render(facts, current_app.config["PUBLIC_URL"])
    db.session.rollback()
    error, took = send(channel, recipient, message, settings)
    return record(channel, to_id, facts, 1, "sent" if error is None else "failed", error, took)


def send_draft(config: NotificationConfig) -> tuple[TransportError | None, float]:
    """Send a test message to a config that is not saved; return its error (or None) and ms."""
    facts = test_notice(config)
    message = render(facts, current_app.config["PUBLIC_URL"])
    settings = settings_of(config, dedup="pulseguard-test")
    db.session.rollback()
    return send(config.notification_type, config.recipient, message, settings)


def send(
    channel: str, recipient: str, message: Message, settings: dict | None = None
) -> tuple[TransportError | None, float]:
    """Send through the channel's transport; return the error instead of raising it, and the ms."""
    started = time.monotonic()
    try:
        transport(channel, current_app.config).send(recipient, message, settings)
    except TransportError as error:
        return error, elapsed_ms(started)
    except Exception as error:  # noqa: BLE001 - a transport bug must not lose the record
        log.exception("Unexpected error sending a %s notification", channel)
        return TransportError(f"Unexpected error: {error!r}"), elapsed_ms(started)
    return None, elapsed_ms(started)


def elapsed_ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def status_of(error: TransportError | None) -> str:
    """The attempt's status as the API names it: success, failure or timeout."""
    return "success" if error is None else ("timeout" if error.timeout else "failure")


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


def claim(config_id: int, facts: Notice, attempt: int, announcement=None) -> int | None:
    """Record that an attempt starts (outcome "sending"); None when the config was deleted."""
    return insert(config_id, facts, attempt, outcome="sending", announcement=announcement)


def insert(config_id: int, facts: Notice, attempt: int, **fields) -> int | None:
    """Store one attempt row and return its id; None when the config was deleted meanwhile, or
    when another worker already made this first attempt for the incident (models'
    ONCE_PER_INCIDENT: two status changes of one outage send one message)."""
    row = NotificationDelivery(
        config_id=config_id,
        server_id=facts.server_id,
        status_change_id=facts.status_change_id,
        incident_id=facts.incident_id,
        ref=facts.ref,
        event=facts.kind,
        attempt=attempt,
        **fields,
    )
    db.session.add(row)
    try:
        db.session.flush()
        row_id = row.id
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    # The id was read before the commit: reading it after would refresh the row, opening a
    # transaction that holds a pooled connection (or SQLite's read lock) during the send.
    return row_id


def finish(
    channel: str, config_id: int, row_id: int, facts: Notice, attempt: int, outcome: str, error,
    took,
) -> None:  # fmt: skip
    """Record how a claimed attempt ended, and count it.

    A sent message also ends its config's failure streak (notify/streaks.py) in this same
    transaction: a commit of its own per attempt was a tenth of a busy worker's database time.
    """
    db.session.execute(
        update(NotificationDelivery)
        .where(NotificationDelivery.id == row_id, NotificationDelivery.outcome == "sending")
        .values(
            outcome=outcome,
            status=status_of(error),
            error=error.message[:1000] if error else None,
            duration_ms=took,
        )
    )
    if outcome == "sent" and facts.kind in COUNTED:
        reset_streak(config_id)
    db.session.commit()
    observe(channel, facts, config_id, attempt, outcome)


def observe(channel: str, facts: Notice, config_id: int, attempt: int, outcome: str) -> None:
    try:
        metrics.observe_delivery(channel, outcome)
    except Exception:  # noqa: BLE001 - the attempt is recorded; a lost count must not lose a retry
        log.exception("Counting a delivery failed")
    log.info("Notification %s to config %s attempt %s: %s", facts.kind, config_id, attempt, outcome)


def record(
    channel: str, config_id: int, facts: Notice, attempt: int, outcome: str, error, took=None
) -> NotificationDelivery | None:
    """Store one finished attempt and count it; None when the config was deleted meanwhile."""
    row_id = insert(
        config_id, facts, attempt, outcome=outcome, status=status_of(error),
        error=error.message[:1000] if error else None, duration_ms=took,
    )  # fmt: skip
    if row_id is None:
        return None
    observe(channel, facts, config_id, attempt, outcome)
    return db.session.get(NotificationDelivery, row_id)
