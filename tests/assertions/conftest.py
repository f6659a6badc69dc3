"""Fixtures of the assertion tests: a local target serving JSON, headers and slow bodies."""

import pytest

from tests.assertions.json_target import JsonTarget


@pytest.fixture
def target():
    server = JsonTarget()
    yield server
    server.stop()
