"""Prometheus metrics (placeholder hooks until the production-readiness issue implements them).

The other parts call these functions; their signatures are the contract.
"""


def observe_check(status: str, duration_s: float | None, lag_s: float | None) -> None:
    """Count one finished check by outcome, with its duration and how late it started."""


def live_client_opened(kind: str) -> None:
    """Count an SSE ("sse") or WebSocket ("ws") stream that opened."""


def live_client_closed(kind: str) -> None:
    """Count a stream that closed."""


def observe_delivery(channel: str, outcome: str) -> None:
    """Count one notification delivery attempt by channel and outcome (sent|retrying|failed)."""
