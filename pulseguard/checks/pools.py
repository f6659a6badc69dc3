"""The connection pools of HTTP(S) checks: urllib3's, with what checks need and less per request.

- HTTPS connections keep their peer's certificate from the handshake: http.client drops `sock`
  as soon as an answer says it closes the connection (HTTP/1.0, `Connection: close`).
- Before reusing a pooled connection urllib3 asks whether the server closed it, with a poll of no
  timeout. Under gevent that poll is gevent's: watchers, an event and a switch through the hub,
  for an answer the kernel gives at once. The standard library's poll asks the same in one
  system call (12 % of the HTTP probe's time at 1,600 checks/s, bench/scaleout/README.md).
- The pool manager works out a request's pool key once per scheme, host and port instead of for
  every request (5 % of the probe's time): the key depends on nothing else while no request
  passes pool settings of its own, and none of the probe's do.
"""

import select
import typing

import urllib3
from gevent import monkey
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from pulseguard.checks.certificate import peer_der

_poll = monkey.get_original("select", "poll")
MAX_KEYS = 10_000  # (scheme, host, port) pool keys remembered; forgotten all at once beyond


class QuickDropCheck:
    """A urllib3 connection that tells whether its server closed it in one poll(2)."""

    sock: typing.Any

    @property
    def is_connected(self) -> bool:
        if self.sock is None:
            return False
        poller = _poll()
        poller.register(self.sock, select.POLLIN)
        return not poller.poll(0)  # readable while idle: closed by the server (or stray bytes)


class ProbeHTTPConnection(QuickDropCheck, HTTPConnection):
    pass


class CertKeepingHTTPSConnection(QuickDropCheck, HTTPSConnection):
    """Keeps its peer's certificate from the handshake."""

    peer_der: bytes | None = None

    def connect(self):
        super().connect()
        self.peer_der = peer_der(self.sock)


class ProbeHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = ProbeHTTPConnection


class CertKeepingHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = CertKeepingHTTPSConnection


class ProbePoolManager(urllib3.PoolManager):
    """A PoolManager of the probe's pools that remembers each host's pool key."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.pool_classes_by_scheme = {
            "http": ProbeHTTPConnectionPool,
            "https": CertKeepingHTTPSConnectionPool,
        }
        self._keys: dict[tuple, typing.Any] = {}
        plain = len(self.connection_pool_kw) + 3  # the manager's settings, scheme, host, port
        for scheme, key_of in list(self.key_fn_by_scheme.items()):
            self.key_fn_by_scheme[scheme] = self._remembering(key_of, plain)

    def _remembering(self, key_of, plain: int):
        def key(context: dict):
            if len(context) != plain:  # pool settings of the request's own: not remembered
                return key_of(context)
            where = (context["scheme"], context["host"], context["port"])
            found = self._keys.get(where)
            if found is None:
                if len(self._keys) >= MAX_KEYS:
                    self._keys.clear()
                found = self._keys[where] = key_of(context)
            return found

        return key
