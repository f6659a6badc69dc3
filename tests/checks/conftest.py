"""Local HTTP, HTTPS and TCP targets for the probe tests."""

import pytest

from tests.targets import Certificates, LocalServer


@pytest.fixture
def web():
    server = LocalServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return Certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_web(certs):
    server = LocalServer(certs.server_context(certs.valid))
    yield server
    server.stop()


@pytest.fixture
def expired_web(certs):
    server = LocalServer(certs.server_context(certs.expired))
    yield server
    server.stop()
