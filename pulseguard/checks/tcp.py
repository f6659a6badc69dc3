"""The TCP probe: can a connection be opened within the timeout?"""

import socket
import time

from pulseguard.checks.guard import Guard, TargetBlockedError
from pulseguard.checks.outcome import ERROR, SUCCESS, Outcome, timed_out
from pulseguard.checks.target import Target


def probe_tcp(target: Target, context=None) -> Outcome:
    """Open and close a TCP connection to the target (to an address the guard allows)."""
    guard = getattr(context, "guard", None) or Guard()
    started = time.perf_counter()
    try:
        sock = guard.connect(target.host, target.port or 0, timeout=target.timeout_s)
    except TargetBlockedError as blocked:
        return Outcome(ERROR, None, None, str(blocked))
    except TimeoutError:
        return timed_out(target.timeout_s)
    except socket.gaierror:
        return Outcome(ERROR, None, None, "DNS lookup failed")
    except ConnectionRefusedError:
        return Outcome(ERROR, None, None, "Connection refused")
    except OSError as exc:
        return Outcome(ERROR, None, None, f"Connection failed: {exc.strerror or exc}"[:500])
    elapsed_ms = round((time.perf_counter() - started) * 1000.0, 2)
    sock.close()
    return Outcome(SUCCESS, elapsed_ms, None, "OK")
