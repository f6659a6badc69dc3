"""Failed deliveries in a row: counted per config, which is disabled at DISABLE_AFTER_FAILURES."""

from sqlalchemy import select, update

from pulseguard.extensions import db
from pulseguard.models import NotificationConfig, NotificationDelivery
from pulseguard.sql import rowcount

DISABLE_AFTER_FAILURES = 20
# Messages about the monitored servers count; tests and "disabled" notices do not.
COUNTED = {"failure", "degraded", "recovery", "reminder", "cert_expiring"}


def reset_streak(config_id: int) -> None:
    """End a config's failure streak (a message was sent); the caller commits."""
    db.session.execute(
        update(NotificationConfig)
        .where(NotificationConfig.id == config_id, NotificationConfig.consecutive_failures != 0)
        .values(consecutive_failures=0)
    )


def count_delivery(config_id: int, event: str, outcome: str | None) -> bool:
    """Count a delivery's final outcome; True when this failure just disabled the config.

    "retrying" is not final, and a skipped attempt (None) is not a delivery. The increments and
    the disabling are conditional updates, so that concurrent workers disable a config once.
    """
    if event not in COUNTED or outcome != "failed":
        return False  # a sent one ended the streak in the update that recorded it (reset_streak)
    configs = update(NotificationConfig).where(NotificationConfig.id == config_id)
    db.session.execute(
        configs.values(consecutive_failures=NotificationConfig.consecutive_failures + 1)
    )
    last = db.session.scalar(
        select(NotificationDelivery.error)
        .where(NotificationDelivery.config_id == config_id)
        .order_by(NotificationDelivery.id.desc())
        .limit(1)
    )
    reason = (
        f"Disabled after {DISABLE_AFTER_FAILURES} failed deliveries in a row; "
        f"the last: {last or 'unknown error'}"
    )[:500]
    disabled = db.session.execute(
        configs.where(
            NotificationConfig.enabled.is_(True),
            NotificationConfig.consecutive_failures >= DISABLE_AFTER_FAILURES,
        ).values(enabled=False, disabled_reason=reason)
    )
    db.session.commit()
    return rowcount(disabled) == 1
