"""TLS contexts, built once and shared by every HTTPS check of the process.

Building an SSLContext with the CA bundle costs ~14 ms of CPU; one per check would cap HTTPS checks
near 50/s. A shared, verifying context keeps verification (untrusted or expired certificates
are still rejected) at a fraction of the cost.
"""

import ssl
from functools import lru_cache

import certifi


@lru_cache(maxsize=8)
def verifying_context(cafile: str | None = None) -> ssl.SSLContext:
    """Return the shared context that verifies certificates and host names against cafile."""
    return ssl.create_default_context(cafile=cafile or certifi.where())


@lru_cache(maxsize=1)
def insecure_context() -> ssl.SSLContext:
    """Return the shared context for servers checked with verify_tls off."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
