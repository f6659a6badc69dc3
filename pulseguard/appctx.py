"""The application behind `current_app`, for greenlets and timers that outlive its context."""

from flask import Flask, current_app


def real_app() -> Flask:
    """Return the app object itself (not the context-bound proxy) to hand to a greenlet."""
    return current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug's proxy
