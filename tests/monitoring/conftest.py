"""Capture what recording hands to the live bus and the notification triggers."""

import pytest

from pulseguard import bus
from pulseguard.notify import triggers


@pytest.fixture
def published(monkeypatch):
    """Capture what is handed to the bus and to the notification triggers (their contracts)."""
    seen = {"events": [], "changes": []}
    monkeypatch.setattr(bus, "publish", lambda events: seen["events"].extend(events))
    monkeypatch.setattr(triggers, "enqueue_for_changes", lambda ids: seen["changes"].extend(ids))
    return seen
