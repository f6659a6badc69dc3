"""Push servers made through the API, and pings sent to them over HTTP."""

import pytest


@pytest.fixture
def make_push(as_alice):
    """Create a push server (as alice unless another client is given); return its JSON."""

    def make(api=None, **push):
        body = {"name": "backup", "protocol": "push", "push": push}
        response = (api or as_alice).post("/api/servers/", json=body)
        assert response.status_code == 201, response.json
        return response.json

    return make


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
