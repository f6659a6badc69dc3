"""Reading back push servers: their status and their results (make_push is in tests/conftest.py)."""

import pytest


@pytest.fixture
def status_of(as_alice):
    """Return a server's current status JSON."""

    def status(server_id):
        return as_alice.get(f"/api/server-status/?server_id={server_id}").json[0]

    return status


@pytest.fixture
def results_of(as_alice):
    """Return a server's results, oldest first."""

    def results(server_id):
        return list(reversed(as_alice.get(f"/api/ping-results/?server_id={server_id}").json))

    return results
