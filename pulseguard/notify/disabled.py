"""Telling an owner, through their other configs, that one of their configs was disabled."""

import gevent
from sqlalchemy import select

from pulseguard.appctx import real_app
from pulseguard.extensions import db
from pulseguard.models import NotificationConfig
from pulseguard.notify.delivery import send_disabled_notice


def tell_owner(config_id: int) -> None:
    """Send the "disabled" notice to every other enabled config of the owner (the notify job).

    Each is sent on its own greenlet, as the delivery pool does, so that a slow channel holds
    neither the worker's job loop nor the others.
    """
    owner = select(NotificationConfig.owner_id).where(NotificationConfig.id == config_id)
    others = db.session.scalars(
        select(NotificationConfig.id).where(
            NotificationConfig.owner_id == owner.scalar_subquery(),
            NotificationConfig.id != config_id,
            NotificationConfig.enabled.is_(True),
        )
    ).all()
    db.session.rollback()
    app = real_app()
    for other in others:
        gevent.spawn(_notice, app, config_id, other)


def _notice(app, config_id: int, other: int) -> None:
    with app.app_context():
        send_disabled_notice(config_id, other)
