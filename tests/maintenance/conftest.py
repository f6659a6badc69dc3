"""Fixtures of the maintenance tests: the notification tests' real webhook receiver and helpers."""

from tests.notify.conftest import add_config, deliveries, embedded, webhook  # noqa: F401
