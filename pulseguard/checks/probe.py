"""One check of one target, whatever its protocol, bounded by its timeout."""

import logging

import gevent

from pulseguard.checks.http import HttpProber
from pulseguard.checks.outcome import ERROR, Outcome, timed_out
from pulseguard.checks.target import Target
from pulseguard.checks.tcp import probe_tcp

log = logging.getLogger(__name__)
_default_http: HttpProber | None = None


class _DeadlineError(Exception):
    """Raised in a probe's greenlet when its timeout is over."""


def default_http() -> HttpProber:
    """The process-wide HTTP prober (shared pools and TLS contexts)."""
    global _default_http
    if _default_http is None:
        _default_http = HttpProber()
    return _default_http


def probe(target: Target, http: HttpProber | None = None) -> Outcome:
    """Check a target and return its Outcome; never raises, never outlives its timeout."""
    deadline = gevent.Timeout(target.timeout_s, _DeadlineError)
    deadline.start()
    try:
        if target.protocol == "tcp":
            return probe_tcp(target)
        return (http or default_http()).probe(target)
    except _DeadlineError:
        return timed_out(target.timeout_s)
    except Exception as exc:  # noqa: BLE001 - a broken probe is a failed check, not a crash
        log.exception("Probe of server %s failed unexpectedly", target.id)
        return Outcome(ERROR, None, None, f"Probe error: {type(exc).__name__}")
    finally:
        deadline.close()
