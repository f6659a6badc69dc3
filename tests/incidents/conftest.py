"""Fixtures of the incident tests: the notification tests' helpers."""

from tests.notify.conftest import add_config, embedded, webhook  # noqa: F401
